// The two TwiML documents this channel writes: connect the call to our media stream, and dial a person. Pure text;
// values are XML-escaped because conversation ids, locales and numbers may come from configuration or callers.

/** Escapes text for an XML attribute or element body. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => XML_ENTITIES[char]!);
}

const XML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * `<Connect><Stream>` makes the stream bidirectional (we can play audio and receive marks). Custom values travel as
 * `<Parameter>` nouns because Twilio drops a query string from the stream URL; they come back in `start`.
 */
export function streamTwiml(streamUrl: string, parameters: Readonly<Record<string, string | undefined>>): string {
  const params = Object.entries(parameters)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([name, value]) => `<Parameter name="${escapeXml(name)}" value="${escapeXml(value)}"/>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<Response><Connect><Stream url="${escapeXml(streamUrl)}">${params}</Stream></Connect></Response>`
  );
}

/** Replaces the live call's instructions: the stream ends and Twilio dials `to`. */
export function dialTwiml(to: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Dial>${escapeXml(to)}</Dial></Response>`;
}
