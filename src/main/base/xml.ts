import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MitraError } from '../../shared/errors';

/** A parsed element: lower-cased names so vendor casing (dpId/dpID) never matters. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

export const XML_LIMIT_BYTES = 1024 * 1024;

export class XmlError extends MitraError {
  constructor(kind: 'malformed' | 'hostile' | 'too-large', detail: string) {
    super(`rd_xml_${kind.replace('-', '_')}`, `RD service sent ${kind === 'too-large' ? 'an oversized' : `a ${kind}`} XML document: ${detail}`, {
      messageKey: 'rd.transport.badAnswer',
      params: { detail },
    });
    this.name = 'XmlError';
  }
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  // Only the five built-in entities can appear: documents with a DOCTYPE are refused before parsing.
  processEntities: true,
  htmlEntities: false,
});

type Raw = Record<string, unknown>;

function convert(entry: Raw): XmlNode | null {
  const name = Object.keys(entry).find((key) => key !== ':@');
  if (!name || name.startsWith('?') || name === '#comment') return null;
  if (name === '#text') return null;
  const attrs: Record<string, string> = {};
  for (const [key, value] of Object.entries((entry[':@'] as Raw | undefined) ?? {})) attrs[key.toLowerCase()] = String(value);
  const body = (entry[name] as Raw[] | undefined) ?? [];
  const children: XmlNode[] = [];
  let text = '';
  for (const child of body) {
    if ('#text' in child) text += String(child['#text']);
    else {
      const node = convert(child);
      if (node) children.push(node);
    }
  }
  return { name: name.toLowerCase(), attrs, children, text };
}

/**
 * Parse an RD-service document safely: bounded size, no DOCTYPE (so no entity expansion and no
 * external entities), well-formedness checked first, one root element. Errors are typed.
 */
export function parseXml(text: string, limitBytes = XML_LIMIT_BYTES): XmlNode {
  if (Buffer.byteLength(text, 'utf8') > limitBytes) throw new XmlError('too-large', `more than ${limitBytes} bytes`);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlError('hostile', 'DOCTYPE or ENTITY declarations are not accepted');
  const trimmed = text.trim();
  if (trimmed === '') throw new XmlError('malformed', 'empty answer');
  let roots: XmlNode[];
  try {
    const valid = XMLValidator.validate(trimmed);
    if (valid !== true) throw new XmlError('malformed', `${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
    roots = (parser.parse(trimmed) as Raw[]).map(convert).filter((node): node is XmlNode => node !== null);
  } catch (error) {
    if (error instanceof XmlError) throw error;
    throw new XmlError('malformed', error instanceof RangeError ? 'nested too deeply' : (error as Error).message);
  }
  if (roots.length !== 1) throw new XmlError('malformed', `expected one root element, found ${roots.length}`);
  return roots[0]!;
}

export function child(node: XmlNode, name: string): XmlNode | undefined {
  const wanted = name.toLowerCase();
  return node.children.find((c) => c.name === wanted);
}

export function childrenNamed(node: XmlNode, name: string): XmlNode[] {
  const wanted = name.toLowerCase();
  return node.children.filter((c) => c.name === wanted);
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  return node?.attrs[name.toLowerCase()];
}

/** Escape a value for an XML attribute we write. */
export function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
