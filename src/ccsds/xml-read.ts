import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { failure, success, type Outcome } from './errors.js';
import { keywordSpec, specForName, USER_DEFINED_PREFIX, VERSION_KEYWORD, type SectionKind } from './keywords.js';
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
  /** The B-2 XYZ alternate covariance has begun in this segment (see `specForName`). */
  xyzOpen: boolean;
}

function newDraft(kind: SectionKind, basePath: string): SectionDraft {
  return { kind, basePath, entries: new Map(), comments: {}, pending: [], xyzOpen: false };
}

/** `nil="true"` / `xsi:nil="true"` (the namespace prefix is removed when parsing). */
function isNil(node: XmlNode): boolean {
  return attribute(node, 'nil')?.trim().toLowerCase() === 'true';
}

function readLeaf(draft: SectionDraft, node: XmlNode, name: string, path: string, inXyz: boolean): Outcome<void> {
  const parameter = attribute(node, 'parameter');
  const wire = name === 'USER_DEFINED' && parameter ? `${USER_DEFINED_PREFIX}${parameter}` : name;
  const spec = specForName(wire, draft.kind === 'object' && (inXyz || draft.xyzOpen));
  if (!spec) return failure(wire, { path }, 'element unknown to CCSDS 508.0 (B-1 and B-2)');
  if (spec.section !== draft.kind) return failure(wire, { path }, `${spec.section} keyword not allowed here`);
  if (spec.xyz) draft.xyzOpen = true;
  const keyword = spec.keyword;
  const earlier = draft.entries.get(keyword);
  if (earlier) return failure(wire, { path }, `appears twice (first at ${earlier.where.path ?? '?'})`);
  const unit = attribute(node, 'units');
  // An empty element and a nil one read as an empty value: absent if optional (see decode.ts).
  const value = isNil(node) ? '' : textOf(childNodes(node, name));
  draft.entries.set(keyword, { keyword, value, ...(unit !== undefined ? { unit } : {}), where: { path } });
  if (draft.pending.length > 0) {
    draft.comments.before = { ...draft.comments.before, [keyword]: draft.pending };
    draft.pending = [];
  }
  return success(undefined);
}

/**
 * Reads keywords and COMMENTs of a section, in document order, through any sub-containers.
 * A container whose name says XYZ (`xyzCovarianceMatrix`) holds the B-2 XYZ covariance.
 */
function walk(draft: SectionDraft, children: XmlNode[], path: string, inXyz = false): Outcome<void> {
  for (const { name, node } of elements(children)) {
    const childPath = `${path}/${name}`;
    if (name === 'COMMENT') {
      draft.pending.push(textOf(childNodes(node, name)));
      continue;
    }
    const outcome = KEYWORD_ELEMENT.test(name)
      ? readLeaf(draft, node, name, childPath, inXyz)
      : walk(draft, childNodes(node, name), childPath, inXyz || /xyz/i.test(name));
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

function readSegment(node: XmlNode, index: number, root: string): Outcome<{ name: ObjectSection; draft: SectionDraft }> {
  const basePath = `${root}/body/segment[${index}]`;
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

function readSegments(segments: XmlNode[], root: string): Outcome<Record<ObjectSection, SectionDraft>> {
  const found: Partial<Record<ObjectSection, SectionDraft>> = {};
  for (const [offset, node] of segments.entries()) {
    const index = offset + 1;
    if (index > 2) return failure('OBJECT', { path: `${root}/body/segment[${index}]` }, 'a CDM has exactly two segments');
    const segment = readSegment(node, index, root);
    if (!segment.ok) return segment;
    if (found[segment.value.name]) {
      const label = segment.value.name.toUpperCase();
      return failure('OBJECT', { path: `${root}/body/segment[${index}]/metadata/OBJECT` }, `a second ${label} segment`);
    }
    found[segment.value.name] = segment.value.draft;
  }
  const { object1, object2 } = found;
  if (!object1 || !object2) {
    const missing = object1 ? 'OBJECT2' : 'OBJECT1';
    return failure('OBJECT', { path: `${root}/body/segment[${segments.length + 1}]` }, `the ${missing} segment is missing`);
  }
  return success({ object1, object2 });
}

function readBody(cdm: XmlNode, root: string, header: SectionDraft, relative: SectionDraft): Outcome<Record<ObjectSection, SectionDraft>> {
  const segments: XmlNode[] = [];
  for (const { name, node } of elements(childNodes(cdm, 'cdm'))) {
    if (name === 'header') {
      const outcome = walk(header, childNodes(node, name), `${root}/header`);
      if (!outcome.ok) return outcome;
      continue;
    }
    if (name === 'COMMENT') continue;
    if (name !== 'body') return failure(name, { path: `${root}/${name}` }, 'unexpected element (expected header or body)');
    for (const part of elements(childNodes(node, name))) {
      if (part.name === 'segment') segments.push(part.node);
      else if (part.name === 'relativeMetadataData') {
        const outcome = walk(relative, childNodes(part.node, part.name), `${root}/body/relativeMetadataData`);
        if (!outcome.ok) return outcome;
      } else {
        return failure(part.name, { path: `${root}/body/${part.name}` }, 'unexpected element (expected relativeMetadataData or segment)');
      }
    }
  }
  return readSegments(segments, root);
}

/** One `<cdm>` element; `root` is its path (`cdm`, or `ndm/cdm[2]` inside an NDM). */
function readCdmElement(cdm: XmlNode, root: string): Outcome<RawMessage> {
  const version = attribute(cdm, 'version');
  if (version === undefined) return failure(VERSION_KEYWORD, { path: `${root}/@version` }, 'the version attribute is missing');
  const header = newDraft('header', `${root}/header`);
  const relative = newDraft('relative', `${root}/body/relativeMetadataData`);
  const objects = readBody(cdm, root, header, relative);
  if (!objects.ok) return objects;
  return success({
    version: { keyword: VERSION_KEYWORD, value: version.trim(), where: { path: `${root}/@version` } },
    sections: {
      header: finishDraft(header),
      relative: finishDraft(relative),
      object1: finishDraft(objects.value.object1),
      object2: finishDraft(objects.value.object2),
    },
  });
}

/**
 * The CDMs of an NDM combined instantiation (CCSDS 505.0 `<ndm>`): each `<cdm>` read on its
 * own; COMMENT and MESSAGE_ID-like header elements of the NDM are skipped; any other message
 * (`<opm>`, …) is an error of its own item.
 */
function readNdm(ndm: XmlNode): Outcome<Array<Outcome<RawMessage>>> {
  const items: Array<Outcome<RawMessage>> = [];
  let cdmCount = 0;
  for (const { name, node } of elements(childNodes(ndm, 'ndm'))) {
    if (KEYWORD_ELEMENT.test(name)) continue;
    if (name === 'cdm') {
      cdmCount++;
      items.push(readCdmElement(node, `ndm/cdm[${cdmCount}]`));
    } else {
      items.push(failure(name, { path: `ndm/${name}` }, `only CDMs are accepted; this NDM also holds a ${name} message`));
    }
  }
  if (items.length === 0) return failure('cdm', { path: 'ndm' }, 'the NDM holds no cdm element');
  return success(items);
}

/**
 * Reads an XML document holding one CDM (`<cdm>` root) or an NDM combined instantiation
 * (`<ndm>` root with one or more `<cdm>`): one outcome per message. A document that is not
 * well-formed, or has another root, is one error for the whole text.
 */
export function readXmlMessages(text: string): Outcome<Array<Outcome<RawMessage>>> {
  if (/<!DOCTYPE/i.test(text)) return failure('XML', {}, 'DOCTYPE declarations are not accepted');
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    return failure('XML', { line: validation.err.line }, `not well-formed XML: ${validation.err.msg}`);
  }
  const document: unknown = parser.parse(text);
  const nodes = Array.isArray(document) ? document.filter(isNode) : [];
  const root = elements(nodes)[0];
  if (!root) return failure('cdm', { path: 'cdm' }, 'no root element');
  if (root.name === 'ndm') return readNdm(root.node);
  if (root.name !== 'cdm') return failure('cdm', { path: root.name }, `the root element must be cdm or ndm, not ${root.name}`);
  return success([readCdmElement(root.node, 'cdm')]);
}

/** Splits an XML CDM into sections of raw entries (element names are the KVN keywords). */
export function readXml(text: string): Outcome<RawMessage> {
  const messages = readXmlMessages(text);
  if (!messages.ok) return messages;
  const [first, ...others] = messages.value;
  if (!first) return failure('cdm', { path: 'ndm' }, 'the NDM holds no cdm element');
  if (others.length > 0) return failure('cdm', { path: 'ndm' }, `the NDM holds ${messages.value.length} messages; one was expected`);
  return first;
}
