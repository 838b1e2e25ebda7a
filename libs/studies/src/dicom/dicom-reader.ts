import { vrForTag } from './vr-dictionary.js';

/** One data element located in the buffer; values stay in the buffer and are decoded on demand. */
export interface DicomElement {
  /** (group << 16 | element), unsigned. */
  tag: number;
  vr: string;
  /** Offset of the value in the buffer. */
  offset: number;
  /** Value length in bytes; for undefined-length values, the bytes up to the delimiter. */
  length: number;
  undefinedLength: boolean;
  /** Sequence items (SQ, and UN of undefined length read as an implicit VR sequence). */
  items?: DicomElement[][];
  /** Items and nested values are Implicit VR Little Endian (PS3.5 6.2.2, UN of undefined length). */
  implicitLittleEndian?: boolean;
}

export interface Encoding {
  littleEndian: boolean;
  explicitVR: boolean;
}

export interface ReadLimits {
  maxSequenceDepth: number;
  /** Elements in all, sequence items included: bounds the objects a crafted header of tiny elements can cost. */
  maxElements: number;
}

export interface DatasetRead {
  elements: DicomElement[];
  /** Where reading stopped: the start of the element `stopAt` matched, or the end of the buffer. */
  end: number;
  /** Whether `stopAt` matched (rather than the buffer ending). */
  stopped: boolean;
}

export type FormatProblem = 'overrun' | 'malformed' | 'too-deep' | 'too-many';

/**
 * The bytes do not form a data set. 'overrun' means the buffer ended first: the orchestrator decides whether that
 * is a truncated file or a header longer than the prefix it was given, using `declaredEnd` when a length said so.
 */
export class DicomFormatError extends Error {
  constructor(
    readonly problem: FormatProblem,
    message: string,
    readonly declaredEnd?: number,
  ) {
    super(message);
    this.name = 'DicomFormatError';
  }
}

export const ITEM = 0xfffee000;
export const ITEM_DELIMITER = 0xfffee00d;
export const SEQUENCE_DELIMITER = 0xfffee0dd;
export const PIXEL_DATA = 0x7fe00010;
const UNDEFINED = 0xffffffff;

const KNOWN_VRS = new Set(
  'AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '),
);
const SHORT_LENGTH_VRS = new Set('AE AS AT CS DA DS DT FL FD IS LO LT PN SH SL SS ST TM UI UL US'.split(' '));

export const tagName = (tag: number) => {
  const hex = tag.toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
};

export const isKnownVr = (vr: string) => KNOWN_VRS.has(vr);

/**
 * Walks DICOM data set structure with every length checked against the bytes present and every sequence level
 * counted, so hostile input costs at most one pass over the buffer and never an allocation sized by the input.
 */
export class DicomReader {
  private readonly view: DataView;
  private elementCount = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: ReadLimits,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Reads elements from `start` until the buffer ends or `stopAt` says so (checked at this level only). */
  readDataset(start: number, enc: Encoding, stopAt: (tag: number) => boolean): DatasetRead {
    const elements: DicomElement[] = [];
    let pos = start;
    while (pos < this.bytes.length) {
      this.need(pos, 4, this.bytes.length, 'a tag');
      const tag = this.tag(pos, enc.littleEndian);
      if (stopAt(tag)) return { elements, end: pos, stopped: true };
      const { element, next } = this.element(pos, this.bytes.length, enc, 0, true);
      elements.push(element);
      pos = next;
    }
    return { elements, end: pos, stopped: false };
  }

  /** The header of the element at `pos`, without reading (or checking) its value. */
  header(pos: number, enc: Encoding): DicomElement {
    return this.element(pos, this.bytes.length, enc, 0, false).element;
  }

  private tag(pos: number, le: boolean): number {
    return ((this.view.getUint16(pos, le) << 16) | this.view.getUint16(pos + 2, le)) >>> 0;
  }

  /** Throws unless [pos, pos+n) lies within `limit`; past the buffer is an overrun, past a container is malformed. */
  private need(pos: number, n: number, limit: number, what: string, tag?: number): void {
    if (pos + n <= limit) return;
    const where = tag === undefined ? `at byte ${pos}` : `of ${tagName(tag)} at byte ${pos}`;
    if (limit >= this.bytes.length) {
      throw new DicomFormatError('overrun', `the data ends inside ${what} ${where}`, pos + n);
    }
    throw new DicomFormatError('malformed', `${what} ${where} runs past the end of the item that contains it`);
  }

  private element(
    pos: number,
    limit: number,
    enc: Encoding,
    depth: number,
    withValue: boolean,
  ): { element: DicomElement; next: number } {
    const le = enc.littleEndian;
    this.need(pos, 8, limit, 'an element header');
    const tag = this.tag(pos, le);
    if (tag >>> 16 === 0xfffe) {
      throw new DicomFormatError('malformed', `unexpected item tag ${tagName(tag)} at byte ${pos} outside a sequence`);
    }
    let vr: string;
    let length: number;
    let offset: number;
    if (enc.explicitVR) {
      vr = String.fromCharCode(this.bytes[pos + 4], this.bytes[pos + 5]);
      if (!/^[A-Z]{2}$/.test(vr)) {
        throw new DicomFormatError('malformed', `element ${tagName(tag)} at byte ${pos} has no valid VR`);
      }
      if (SHORT_LENGTH_VRS.has(vr)) {
        length = this.view.getUint16(pos + 6, le);
        offset = pos + 8;
      } else {
        this.need(pos, 12, limit, 'an element header', tag);
        length = this.view.getUint32(pos + 8, le);
        offset = pos + 12;
      }
      if (!KNOWN_VRS.has(vr)) vr = 'UN';
    } else {
      vr = vrForTag(tag);
      length = this.view.getUint32(pos + 4, le);
      offset = pos + 8;
    }
    const undefinedLength = length === UNDEFINED;
    const element: DicomElement = { tag, vr, offset, length: undefinedLength ? 0 : length, undefinedLength };
    if (!withValue) return { element, next: offset };
    if (++this.elementCount > this.limits.maxElements) {
      throw new DicomFormatError('too-many', `the header has more than ${this.limits.maxElements} elements`);
    }

    if (undefinedLength) {
      let end: number;
      if (vr === 'SQ' || (vr === 'UN' && !enc.explicitVR)) {
        ({ items: element.items, end } = this.sequence(offset, limit, true, enc, depth));
      } else if (vr === 'UN') {
        element.implicitLittleEndian = true;
        ({ items: element.items, end } = this.sequence(offset, limit, true, IMPLICIT_LE, depth));
      } else {
        end = this.fragments(offset, limit, le, tag);
      }
      element.length = end - offset - 8;
      return { element, next: end };
    }

    this.need(offset, length, limit, `the ${length}-byte value`, tag);
    const end = offset + length;
    if (vr === 'SQ') {
      element.items = this.sequence(offset, end, false, enc, depth).items;
    } else if (vr === 'UN' && !enc.explicitVR && length >= 8 && this.tag(offset, le) === ITEM) {
      // A private sequence in an implicit VR stream: read it as one when it parses as one.
      try {
        element.items = this.sequence(offset, end, false, enc, depth).items;
      } catch (error) {
        if (!(error instanceof DicomFormatError) || error.problem === 'too-deep' || error.problem === 'too-many') {
          throw error;
        }
      }
    }
    return { element, next: end };
  }

  /** Sequence items; `end` returned is just past the last item (or past the sequence delimiter). */
  private sequence(
    start: number,
    limit: number,
    undefinedLength: boolean,
    enc: Encoding,
    depth: number,
  ): { items: DicomElement[][]; end: number } {
    if (depth + 1 > this.limits.maxSequenceDepth) {
      throw new DicomFormatError(
        'too-deep',
        `sequences are nested more than ${this.limits.maxSequenceDepth} levels deep (at byte ${start})`,
      );
    }
    const items: DicomElement[][] = [];
    let pos = start;
    while (undefinedLength || pos < limit) {
      this.need(pos, 8, limit, 'a sequence item header');
      const tag = this.tag(pos, enc.littleEndian);
      const itemLength = this.view.getUint32(pos + 4, enc.littleEndian);
      if (tag === SEQUENCE_DELIMITER) return { items, end: pos + 8 };
      if (tag !== ITEM) {
        throw new DicomFormatError('malformed', `expected a sequence item at byte ${pos} but found ${tagName(tag)}`);
      }
      const item = this.item(pos + 8, itemLength, limit, enc, depth + 1);
      items.push(item.elements);
      pos = item.end;
    }
    return { items, end: pos };
  }

  private item(
    start: number,
    length: number,
    limit: number,
    enc: Encoding,
    depth: number,
  ): { elements: DicomElement[]; end: number } {
    const undefinedLength = length === UNDEFINED;
    if (!undefinedLength) this.need(start, length, limit, `a ${length}-byte sequence item`);
    const itemLimit = undefinedLength ? limit : start + length;
    const elements: DicomElement[] = [];
    let pos = start;
    while (undefinedLength || pos < itemLimit) {
      this.need(pos, 4, itemLimit, 'a tag');
      if (this.tag(pos, enc.littleEndian) === ITEM_DELIMITER) {
        this.need(pos, 8, itemLimit, 'an item delimiter');
        return { elements, end: pos + 8 };
      }
      const { element, next } = this.element(pos, itemLimit, enc, depth, true);
      elements.push(element);
      pos = next;
    }
    return { elements, end: pos };
  }

  /** Skips an encapsulated value (fragments up to the sequence delimiter), e.g. an icon's compressed pixels. */
  private fragments(start: number, limit: number, le: boolean, owner: number): number {
    let pos = start;
    for (;;) {
      this.need(pos, 8, limit, 'a fragment header', owner);
      const tag = this.tag(pos, le);
      const length = this.view.getUint32(pos + 4, le);
      if (tag === SEQUENCE_DELIMITER) return pos + 8;
      if (tag !== ITEM || length === UNDEFINED) {
        throw new DicomFormatError('malformed', `bad fragment ${tagName(tag)} in ${tagName(owner)} at byte ${pos}`);
      }
      this.need(pos + 8, length, limit, `a ${length}-byte fragment`, owner);
      pos += 8 + length;
    }
  }
}

export const IMPLICIT_LE: Encoding = { littleEndian: true, explicitVR: false };
export const EXPLICIT_LE: Encoding = { littleEndian: true, explicitVR: true };
export const EXPLICIT_BE: Encoding = { littleEndian: false, explicitVR: true };
