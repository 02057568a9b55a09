// The pairing QR as a picture: half-block characters for the terminal, PNG for the admin API.
import QRCode from 'qrcode';

/** Two rows of modules per line of text, with the quiet zone the phone's camera needs. */
export function qrForTerminal(text: string): string {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'L' });
  const size = modules.size;
  const quiet = 2;
  const dark = (row: number, col: number): boolean =>
    row >= 0 && col >= 0 && row < size && col < size && modules.get(row, col) === 1;
  const lines: string[] = [];
  for (let row = -quiet; row < size + quiet; row += 2) {
    let line = '';
    for (let col = -quiet; col < size + quiet; col++) {
      const top = dark(row, col);
      const bottom = dark(row + 1, col);
      // Light modules are drawn, dark ones left blank: terminals are mostly dark, and the phone needs dark-on-light.
      line += top ? (bottom ? ' ' : '▄') : bottom ? '▀' : '█';
    }
    lines.push(line);
  }
  return lines.join('\n');
}

export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'L', margin: 2, scale: 8 });
}
