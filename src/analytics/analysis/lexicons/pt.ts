// Portuguese (pt-BR): intent keywords and sentiment words.
import type { LanguageLexicon } from './types.ts';

export const portuguese: LanguageLexicon = {
  language: 'pt',
  intents: {
    booking: ['agendar', 'agendamento*', 'marcar*', 'remarcar*', 'reserv*', 'consulta', 'horário disponível', 'disponibilidade', 'vaga*'],
    status: ['status', 'situação', 'meu agendamento', 'minha consulta', 'minha reserva', 'meu pedido', 'quando é', 'pagamento*', 'pago', 'paguei', 'boleto*', 'fatura*', 'devo', 'débito*', 'reembolso*'],
    escalation: ['atendente*', 'humano*', 'pessoa', 'gerente', 'supervisor*', 'falar com alguém', 'reclamação', 'reclamações', 'reclamar', 'ouvidoria', 'procon'],
    faq: ['horário de funcionamento', 'que horas', 'abre', 'abrem', 'aberto', 'fecha', 'fecham', 'preço*', 'quanto custa', 'quanto é', 'valor*', 'endereço', 'onde fica*', 'estacionamento', 'convênio*', 'plano de saúde'],
  },
  positive: ['obrigad*', 'ótimo', 'ótima', 'excelente', 'perfeito', 'perfeita', 'maravilh*', 'bom', 'boa', 'gostei', 'adorei', 'amei', 'legal', 'satisfeit*', 'feliz', 'ajudou'],
  negative: ['ruim', 'péssim*', 'horrível', 'terrível', 'problema*', 'absurdo', 'raiva', 'irritad*', 'chatead*', 'insatisfeit*', 'decepcion*', 'demora*', 'errad*', 'lixo', 'odiei', 'odeio', 'descaso', 'reclamação', 'reclamar'],
  negators: ['não', 'nunca', 'nem', 'nenhum', 'nenhuma', 'nada', 'sem'],
  negatorPosition: 'before',
  neutral: ['bom dia', 'boa tarde', 'boa noite', 'boa semana', 'não obrigado', 'não obrigada'],
};
