// The little SDP knowledge the offer route needs before it hands a description to the WebRTC stack: is this an
// offer at all, does it carry audio, and which of our candidates a browser could never reach.

/** Far above a browser's offer (3-8 KB); the route refuses bigger bodies before parsing. */
export const MAX_SDP_CHARS = 32 * 1024;

export type OfferCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** A structural check: werift's own parser accepts some garbage and throws late on other garbage. */
export function checkOffer(sdp: string): OfferCheck {
  if (sdp.length > MAX_SDP_CHARS) return { ok: false, message: 'not an SDP offer: too long' };
  const lines = sdp.split(/\r?\n/);
  const hasLine = (prefix: string): boolean => lines.some((line) => line.startsWith(prefix));
  if (lines[0] !== 'v=0' || !hasLine('o=') || !hasLine('m=') || !hasLine('a=fingerprint:') || !hasLine('a=ice-ufrag:')) {
    return { ok: false, message: 'not an SDP offer' };
  }
  const media = lines.filter((line) => line.startsWith('m='));
  const count = (kind: string): number => media.filter((line) => line.startsWith(`m=${kind} `)).length;
  if (count('audio') === 0) return { ok: false, message: 'the offer has no audio m-line' };
  // The widget sends one audio track and one data channel. Anything more would make the WebRTC stack open
  // transports (sockets, ICE, DTLS) per extra line: a crafted offer must not cost every other call its CPU.
  if (count('audio') > 1 || count('application') > 1 || media.length > count('audio') + count('application')) {
    return { ok: false, message: 'the offer must carry one audio m-line and at most one data channel' };
  }
  return { ok: true };
}

/** RFC 5737 documentation ranges: werift advertises one on some hosts (REFERENCE.md); no peer can reach them. */
const DOCUMENTATION_ADDRESS = / (?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3} \d+ typ /;

/** Removes candidate lines with unreachable documentation addresses from our answer. */
export function dropUnreachableCandidates(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp
    .split(eol)
    .filter((line) => !(line.startsWith('a=candidate:') && DOCUMENTATION_ADDRESS.test(line)))
    .join(eol);
}

/** A client on this machine can reach our loopback address, which werift does not advertise by itself. */
export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
