// The little of the DNS wire format (RFC 1035) the embedded server needs: read a query's header
// and question, and write an answer with A or PTR records, or an empty answer with a response code.
// Everything else is forwarded to the upstream resolvers byte for byte.

export const TYPE = { A: 1, PTR: 12, AAAA: 28, ANY: 255 } as const;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const CLASS_IN = 1;
const HEADER = 12;

export interface Query {
  id: number;
  /** The header's flags word as sent (opcode, RD…). */
  flags: number;
  /** Lower case, without the trailing dot. */
  name: string;
  type: number;
  qclass: number;
  /** Offset just past the question: the bytes of the question end here. */
  questionEnd: number;
}

/** The query's header and first question, or undefined when the message is not a well-formed query. */
export function parseQuery(msg: Buffer): Query | undefined {
  if (msg.length < HEADER) return undefined;
  const flags = msg.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // a response, not a query
  if (msg.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let at = HEADER;
  for (;;) {
    if (at >= msg.length) return undefined;
    const len = msg[at];
    if (len === 0) {
      at++;
      break;
    }
    if (len & 0xc0 || at + 1 + len > msg.length) return undefined; // queries carry no compression
    labels.push(msg.toString('latin1', at + 1, at + 1 + len));
    at += 1 + len;
  }
  if (at + 4 > msg.length) return undefined;
  return {
    id: msg.readUInt16BE(0),
    flags,
    name: labels.join('.').toLowerCase(),
    type: msg.readUInt16BE(at),
    qclass: msg.readUInt16BE(at + 2),
    questionEnd: at + 4,
  };
}

export function opcode(q: Query): number {
  return (q.flags >> 11) & 0xf;
}

export type Answer = { type: typeof TYPE.A; address: string } | { type: typeof TYPE.PTR; name: string };

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean);
  const out: Buffer[] = [];
  for (const p of parts) {
    const label = Buffer.from(p, 'latin1').subarray(0, 63);
    out.push(Buffer.from([label.length]), label);
  }
  out.push(Buffer.from([0]));
  return Buffer.concat(out);
}

/**
 * The response to `query`: its question copied, then the answers (owner name = the question's,
 * by a pointer to it), with the given response code. Recursion is marked available, since names
 * this server does not own are forwarded.
 */
export function buildResponse(
  msg: Buffer,
  query: Query,
  answers: Answer[],
  rcode: number,
  ttl = 600,
): Buffer {
  const header = Buffer.alloc(HEADER);
  header.writeUInt16BE(query.id, 0);
  // QR, the opcode and RD as asked, AA (this server owns the names it answers), RA, the rcode.
  const flags = 0x8000 | (query.flags & 0x7900) | 0x0400 | 0x0080 | (rcode & 0xf);
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const question = msg.subarray(HEADER, query.questionEnd);
  const records = answers.map((a) => {
    const rdata = a.type === TYPE.A ? Buffer.from(a.address.split('.').map(Number)) : encodeName(a.name);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc000 | HEADER, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(a.type, 2);
    rr.writeUInt16BE(CLASS_IN, 4);
    rr.writeUInt32BE(ttl, 6);
    rr.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([rr, rdata]);
  });
  return Buffer.concat([header, question, ...records]);
}

/** `4.3.2.1.in-addr.arpa` → `1.2.3.4`; undefined for any other name. */
export function reverseAddress(name: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa$/.exec(name);
  return m ? [m[4], m[3], m[2], m[1]].join('.') : undefined;
}

/** A copy of `msg` with another id (forwarded queries get their own, answers get the client's back). */
export function withId(msg: Buffer, id: number): Buffer {
  const copy = Buffer.from(msg);
  if (copy.length >= 2) copy.writeUInt16BE(id, 0);
  return copy;
}
