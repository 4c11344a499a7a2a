import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { failure, success, type Outcome } from './errors.js';
import { keywordSpec, USER_DEFINED_PREFIX, VERSION_KEYWORD, type SectionKind } from './keywords.js';
import type { CommentPlacement, ObjectSection, RawEntry, RawMessage, RawSection } from './types.js';

/** A node of fast-xml-parser's `preserveOrder` output: `{ name: children[], ':@': attributes }`. */
type XmlNode = Record<string, unknown>;

const KEYWORD_ELEMENT = /^[A-Z][A-Z0-9_]*$/;
const ATTRIBUTES = ':@';
const TEXT = '#text';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nodeName(node: XmlNode): string | undefined {
  return Object.keys(node).find((key) => key !== ATTRIBUTES);
}

function childNodes(node: XmlNode, name: string): XmlNode[] {
  const children = node[name];
  return Array.isArray(children) ? children.filter(isNode) : [];
}

function attribute(node: XmlNode, name: string): string | undefined {
  const attributes = node[ATTRIBUTES];
  if (!isNode(attributes)) return undefined;
  const value = attributes[name];
  return value === undefined ? undefined : String(value);
}

function textOf(children: XmlNode[]): string {
  return children
    .map((child) => child[TEXT])
    .filter((text) => text !== undefined)
    .map(String)
    .join('')
    .trim();
}

function elements(children: XmlNode[]): Array<{ name: string; node: XmlNode }> {
  return children.flatMap((node) => {
    const name = nodeName(node);
    return name === undefined || name === TEXT ? [] : [{ name, node }];
  });
}

interface SectionDraft {
  kind: SectionKind;
  basePath: string;
  entries: Map<string, RawEntry>;
  comments: CommentPlacement;
  pending: string[];
}

function newDraft(kind: SectionKind, basePath: string): SectionDraft {
  return { kind, basePath, entries: new Map(), comments: {}, pending: [] };
}

function readLeaf(draft: SectionDraft, node: XmlNode, name: string, path: string): Outcome<void> {
  const parameter = attribute(node, 'parameter');
  const keyword = name === 'USER_DEFINED' && parameter ? `${USER_DEFINED_PREFIX}${parameter}` : name;
  const spec = keywordSpec(keyword);
  if (!spec) return failure(keyword, { path }, 'element unknown to CCSDS 508.0 (B-1 and B-2)');
  if (spec.section !== draft.kind) return failure(keyword, { path }, `${spec.section} keyword not allowed here`);
  const earlier = draft.entries.get(keyword);
  if (earlier) return failure(keyword, { path }, `appears twice (first at ${earlier.where.path ?? '?'})`);
  const unit = attribute(node, 'units');
  const value = textOf(childNodes(node, name));
  draft.entries.set(keyword, { keyword, value, ...(unit !== undefined ? { unit } : {}), where: { path } });
  if (draft.pending.length > 0) {
    draft.comments.before = { ...draft.comments.before, [keyword]: draft.pending };
    draft.pending = [];
  }
  return success(undefined);
}

/** Reads keywords and COMMENTs of a section, in document order, through any sub-containers. */
function walk(draft: SectionDraft, children: XmlNode[], path: string): Outcome<void> {
  for (const { name, node } of elements(children)) {
    const childPath = `${path}/${name}`;
    if (name === 'COMMENT') {
      draft.pending.push(textOf(childNodes(node, name)));
      continue;
    }
    const outcome = KEYWORD_ELEMENT.test(name)
      ? readLeaf(draft, node, name, childPath)
      : walk(draft, childNodes(node, name), childPath);
    if (!outcome.ok) return outcome;
  }
  return success(undefined);
}

function finishDraft(draft: SectionDraft): RawSection {
  if (draft.pending.length > 0) draft.comments.end = draft.pending;
  return {
    entries: draft.entries,
    comments: draft.comments,
    locateMissing: (keyword) => {
      const group = keywordSpec(keyword)?.group ?? '';
      return { path: `${draft.basePath}/${group ? `${group}/` : ''}${keyword}` };
    },
  };
}

function readSegment(node: XmlNode, index: number): Outcome<{ name: ObjectSection; draft: SectionDraft }> {
  const basePath = `cdm/body/segment[${index}]`;
  const draft = newDraft('object', basePath);
  const walked = walk(draft, childNodes(node, 'segment'), basePath);
  if (!walked.ok) return walked;
  const object = draft.entries.get('OBJECT');
  if (!object) return failure('OBJECT', { path: `${basePath}/metadata/OBJECT` }, 'mandatory keyword is missing');
  draft.entries.delete('OBJECT');
  const value = object.value.toUpperCase().replace(/\s+/g, '');
  if (value !== 'OBJECT1' && value !== 'OBJECT2') {
    return failure('OBJECT', object.where, `"${object.value}" must be OBJECT1 or OBJECT2`);
  }
  return success({ name: value === 'OBJECT1' ? 'object1' : 'object2', draft });
}

function readSegments(segments: XmlNode[]): Outcome<Record<ObjectSection, SectionDraft>> {
  const found: Partial<Record<ObjectSection, SectionDraft>> = {};
  for (const [offset, node] of segments.entries()) {
    const index = offset + 1;
    if (index > 2) return failure('OBJECT', { path: `cdm/body/segment[${index}]` }, 'a CDM has exactly two segments');
    const segment = readSegment(node, index);
    if (!segment.ok) return segment;
    if (found[segment.value.name]) {
      const label = segment.value.name.toUpperCase();
      return failure('OBJECT', { path: `cdm/body/segment[${index}]/metadata/OBJECT` }, `a second ${label} segment`);
    }
    found[segment.value.name] = segment.value.draft;
  }
  const { object1, object2 } = found;
  if (!object1 || !object2) {
    const missing = object1 ? 'OBJECT2' : 'OBJECT1';
    return failure('OBJECT', { path: `cdm/body/segment[${segments.length + 1}]` }, `the ${missing} segment is missing`);
  }
  return success({ object1, object2 });
}

function readBody(root: XmlNode, header: SectionDraft, relative: SectionDraft): Outcome<Record<ObjectSection, SectionDraft>> {
  const segments: XmlNode[] = [];
  for (const { name, node } of elements(childNodes(root, 'cdm'))) {
    if (name === 'header') {
      const outcome = walk(header, childNodes(node, name), 'cdm/header');
      if (!outcome.ok) return outcome;
      continue;
    }
    if (name !== 'body') return failure(name, { path: `cdm/${name}` }, 'unexpected element (expected header or body)');
    for (const part of elements(childNodes(node, name))) {
      if (part.name === 'segment') segments.push(part.node);
      else if (part.name === 'relativeMetadataData') {
        const outcome = walk(relative, childNodes(part.node, part.name), 'cdm/body/relativeMetadataData');
        if (!outcome.ok) return outcome;
      } else {
        return failure(part.name, { path: `cdm/body/${part.name}` }, 'unexpected element (expected relativeMetadataData or segment)');
      }
    }
  }
  return readSegments(segments);
}

function findRoot(document: unknown): Outcome<XmlNode> {
  const nodes = Array.isArray(document) ? document.filter(isNode) : [];
  const root = elements(nodes)[0];
  if (!root) return failure('cdm', { path: 'cdm' }, 'no root element');
  if (root.name !== 'cdm') return failure('cdm', { path: root.name }, `the root element must be cdm, not ${root.name}`);
  return success(root.node);
}

/** Splits an XML CDM into sections of raw entries (element names are the KVN keywords). */
export function readXml(text: string): Outcome<RawMessage> {
  if (/<!DOCTYPE/i.test(text)) return failure('XML', {}, 'DOCTYPE declarations are not accepted');
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    return failure('XML', { line: validation.err.line }, `not well-formed XML: ${validation.err.msg}`);
  }
  const root = findRoot(parser.parse(text));
  if (!root.ok) return root;
  const version = attribute(root.value, 'version');
  if (version === undefined) return failure(VERSION_KEYWORD, { path: 'cdm/@version' }, 'the version attribute is missing');
  const header = newDraft('header', 'cdm/header');
  const relative = newDraft('relative', 'cdm/body/relativeMetadataData');
  const objects = readBody(root.value, header, relative);
  if (!objects.ok) return objects;
  return success({
    version: { keyword: VERSION_KEYWORD, value: version.trim(), where: { path: 'cdm/@version' } },
    sections: {
      header: finishDraft(header),
      relative: finishDraft(relative),
      object1: finishDraft(objects.value.object1),
      object2: finishDraft(objects.value.object2),
    },
  });
}
