// Redaction benchmark: what redacting one transcript line costs, for lines as callers produce them (English,
// Hindi with spoken digits, Portuguese and Spanish with documents, lines with nothing to redact). Prints plain
// lines; run directly with `node --import tsx bench/redact.bench.ts`.

import { pathToFileURL } from 'node:url';
import { redactPii } from '../src/compliance/redact.ts';
import { group, sampleAadhaar, sampleAlphanumericCnpj, sampleCard, sampleCpf, sampleMobile, sayDigits, seededRandom } from '../src/compliance/pii-samples.ts';

interface Line {
  readonly text: string;
  readonly locale: string;
}

function transcriptLines(): Line[] {
  const random = seededRandom(7);
  const lines: Line[] = [];
  for (let i = 0; i < 50; i++) {
    const aadhaar = group(sampleAadhaar(random), [4, 4, 4], ' ');
    const mobile = sampleMobile(random);
    const cpf = group(sampleCpf(random), [3, 3, 3, 2], ['.', '.', '-']);
    const cnpj = group(sampleAlphanumericCnpj(random), [2, 3, 3, 4, 2], ['.', '.', '/', '-']);
    let card = sampleCard(random);
    while (card.length !== 16) card = sampleCard(random);
    lines.push(
      { locale: 'en-IN', text: `Hi, this is Priya calling about my appointment tomorrow at 10:30 with Dr. Mehta. My mobile is ${mobile.slice(0, 5)} ${mobile.slice(5)} and my Aadhaar number is ${aadhaar}, can you confirm the slot please?` },
      { locale: 'hi', text: `जी नमस्ते, मेरा नाम राहुल शर्मा है, मेरा नंबर ${sayDigits(mobile, 'hi')} है और मुझे कल सुबह दस बजे डॉक्टर से मिलना है, क्या यह हो पाएगा?` },
      { locale: 'pt-BR', text: `Olá, boa tarde! Meu CPF é ${cpf} e o CNPJ da empresa é ${cnpj}; quero remarcar a consulta de quinta para sexta-feira às 15h, se for possível, por favor.` },
      { locale: 'es-419', text: `Hola, buenas tardes, quisiera saber el estado de mi pedido 4521 7789 1203 del 12/03/2024 por $1,250.00; lo pagué con la tarjeta ${group(card, [4, 4, 4, 4], ' ')}, gracias.` },
      { locale: 'en-IN', text: 'I would like to book an appointment with the dentist for next week, preferably on Tuesday or Wednesday afternoon after four, if that is possible, and also ask about the fees please.' },
    );
  }
  return lines;
}

/** Redacts transcript lines of about 150-200 characters and prints the cost per line in microseconds. */
export async function benchRedact(): Promise<void> {
  const lines = transcriptLines();
  const chars = lines.reduce((total, line) => total + line.text.length, 0) / lines.length;
  for (let i = 0; i < 20_000; i++) redactPii(lines[i % lines.length]!.text, { locale: lines[i % lines.length]!.locale });
  const runs = 200_000;
  const started = process.hrtime.bigint();
  let findings = 0;
  for (let i = 0; i < runs; i++) {
    const line = lines[i % lines.length]!;
    findings += redactPii(line.text, { locale: line.locale }).findings.length;
  }
  const microseconds = Number(process.hrtime.bigint() - started) / 1000 / runs;
  console.log(
    `redact: ${microseconds.toFixed(1)} µs per transcript line (${Math.round(chars)} chars on average, ` +
      `${(findings / runs).toFixed(2)} identifiers per line, spoken digits included)`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchRedact();
}
