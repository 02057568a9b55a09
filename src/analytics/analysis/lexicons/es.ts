// Spanish (es-419, es-MX): intent keywords and sentiment words.
import type { LanguageLexicon } from './types.ts';

export const spanish: LanguageLexicon = {
  language: 'es',
  intents: {
    booking: ['agendar', 'cita', 'citas', 'reserv*', 'turno', 'apartar', 'disponib*', 'hacer una cita', 'sacar una cita'],
    status: ['estado', 'estatus', 'mi cita', 'mi reserva*', 'mi turno', 'mi pedido', 'cuándo es', 'pago*', 'pagué', 'factura*', 'debo', 'saldo', 'adeudo', 'reembolso*'],
    escalation: ['humano*', 'persona', 'agente', 'asesor*', 'gerente', 'supervisor*', 'operador*', 'queja*', 'reclamo*', 'hablar con alguien'],
    faq: ['horario*', 'qué hora', 'abren', 'abierto', 'cierran', 'precio*', 'cuánto cuesta', 'cuánto sale', 'costo*', 'dirección', 'dónde están', 'dónde queda*', 'ubica*', 'estacionamiento', 'seguro médico'],
  },
  positive: ['gracias', 'excelente', 'perfect*', 'genial', 'muy bien', 'muy bueno', 'muy buena', 'maravillos*', 'amable', 'contento', 'contenta', 'feliz', 'encant*', 'satisfech*', 'ayudó', 'chido'],
  negative: ['mal', 'malo', 'mala', 'pésim*', 'horrible', 'terrible', 'problema*', 'molest*', 'enojad*', 'enfadad*', 'frustrad*', 'decepcion*', 'inútil', 'queja*', 'absurdo', 'harto', 'harta', 'odio', 'fatal'],
  negators: ['no', 'nunca', 'ni', 'nada', 'tampoco', 'sin', 'jamás', 'ningún', 'ninguna'],
  negatorPosition: 'before',
  neutral: ['buenos días', 'buenas tardes', 'buenas noches', 'buen día', 'no gracias'],
};
