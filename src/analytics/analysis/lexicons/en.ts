// English (en-IN, en-US): intent keywords and sentiment words.
import type { LanguageLexicon } from './types.ts';

export const english: LanguageLexicon = {
  language: 'en',
  intents: {
    booking: ['book*', 'appointment*', 'schedul*', 'reschedul*', 'reserv*', 'slot*', 'availab*'],
    status: ['status', 'my booking*', 'my appointment*', 'my reservation*', 'my order*', 'when is my', 'paid', 'payment*', 'bill', 'billing', 'invoice*', 'owe', 'balance', 'refund*', 'track*'],
    escalation: ['human*', 'person', 'real person', 'representative', 'manager', 'supervisor', 'operator', 'agent', 'staff', 'complain*', 'complaint*', 'speak to someone', 'talk to someone'],
    faq: ['hours', 'opening*', 'open', 'close', 'closing', 'price*', 'pricing', 'cost*', 'fee*', 'how much', 'address', 'located', 'location', 'where are you', 'parking', 'insurance'],
  },
  positive: ['thank*', 'great', 'good', 'excellent', 'perfect', 'awesome', 'wonderful', 'helpful', 'happy', 'pleased', 'love*', 'amazing', 'fantastic', 'nice', 'appreciate*', 'satisfied', 'brilliant', 'lovely'],
  negative: ['bad', 'terrible', 'awful', 'horrible', 'worst', 'angry', 'upset', 'annoy*', 'frustrat*', 'useless', 'disappoint*', 'problem*', 'wrong', 'broken', 'rude', 'waste*', 'ridiculous', 'unhappy', 'hate*', 'poor', 'pathetic', 'unacceptable', 'complain*'],
  negators: ['not', 'no', 'never', 'nothing', "don't", 'dont', "didn't", 'didnt', "isn't", 'isnt', "wasn't", 'wasnt', "aren't", "can't", 'cant', 'cannot', "won't", 'wont', "doesn't", 'doesnt', "haven't", "hasn't"],
  negatorPosition: 'before',
  neutral: ['good morning', 'good afternoon', 'good evening', 'good night', 'good bye', 'goodbye', 'no thanks', 'no thank you', 'thanks for calling', 'thank you for calling'],
};
