import { XMLBuilder } from 'fast-xml-parser';
import type { Cdm } from '../protocol/cdm.js';
import { USER_DEFINED_PREFIX, VERSION_KEYWORD } from './keywords.js';
import { modelToOutput, orphanComments, type OutputSection } from './map-write.js';
import type { SectionName } from './types.js';

interface Leaf {
  element: string;
  text: string;
  attributes: Record<string, string>;
}

interface Container {
  element: string;
  children: Array<Container | Leaf>;
}

/** fast-xml-parser's `preserveOrder` input: `{ element: children[], ':@': attributes }`. */
type BuilderNode = Record<string, unknown>;

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: false,
});

const SECTION_ELEMENTS: Record<SectionName, string> = {
  header: 'header',
  relative: 'relativeMetadataData',
  object1: 'segment',
  object2: 'segment',
};

function isContainer(node: Container | Leaf): node is Container {
  return 'children' in node;
}

function containerAt(root: Container, group: string): Container {
  let current = root;
  for (const element of group.split('/').filter((part) => part !== '')) {
    const last = current.children.at(-1);
    if (last && isContainer(last) && last.element === element) {
      current = last;
    } else {
      const created: Container = { element, children: [] };
      current.children.push(created);
      current = created;
    }
  }
  return current;
}

function commentLeaves(comments: readonly string[] | undefined): Leaf[] {
  return (comments ?? []).map((text) => ({ element: 'COMMENT', text, attributes: {} }));
}

function keywordLeaf(keyword: string, text: string, unit: string | undefined): Leaf {
  const attributes: Record<string, string> = unit === undefined ? {} : { units: unit };
  if (keyword.startsWith(USER_DEFINED_PREFIX)) {
    return { element: 'USER_DEFINED', text, attributes: { parameter: keyword.slice(USER_DEFINED_PREFIX.length) } };
  }
  return { element: keyword, text, attributes };
}

function sectionContainer(name: SectionName, section: OutputSection): Container {
  const root: Container = { element: SECTION_ELEMENTS[name], children: [] };
  for (const line of section.lines) {
    const container = containerAt(root, line.group);
    container.children.push(...commentLeaves(section.comments.before?.[line.keyword]));
    container.children.push(keywordLeaf(line.name, line.text, line.unit));
  }
  root.children.push(...commentLeaves(orphanComments(section)), ...commentLeaves(section.comments.end));
  return root;
}

function toBuilderNode(node: Container | Leaf): BuilderNode {
  if (isContainer(node)) return { [node.element]: node.children.map(toBuilderNode) };
  const attributes = Object.fromEntries(Object.entries(node.attributes).map(([name, value]) => [`@_${name}`, value]));
  return {
    [node.element]: [{ '#text': node.text }],
    ...(Object.keys(attributes).length > 0 ? { ':@': attributes } : {}),
  };
}

function rootAttributes(version: string): Record<string, string> {
  const schema: Record<string, string> = version.startsWith('1.')
    ? { '@_xsi:noNamespaceSchemaLocation': 'http://sanaregistry.org/r/ndmxml/ndmxml-1.0-master.xsd' }
    : {};
  return {
    '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    ...schema,
    '@_id': VERSION_KEYWORD,
    '@_version': version,
  };
}

/** Writes a CDM of the node's model as a CCSDS 508.0 XML message. */
export function writeCdmXml(cdm: Cdm): string {
  const output = modelToOutput(cdm);
  const body: Container = {
    element: 'body',
    children: (['relative', 'object1', 'object2'] as const).map((name) => sectionContainer(name, output.sections[name])),
  };
  const root: BuilderNode = {
    cdm: [toBuilderNode(sectionContainer('header', output.sections.header)), toBuilderNode(body)],
    ':@': rootAttributes(output.version),
  };
  const xml = String(builder.build([root]));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml.trim()}\n`;
}
