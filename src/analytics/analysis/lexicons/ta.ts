// Tamil: intent keywords and sentiment words. Tamil fuses case endings and often the negation into the word, so most
// entries are stems, and the fused negatives (நல்லாயில்ல) are listed as negative words of their own.
import type { LanguageLexicon } from './types.ts';

export const tamil: LanguageLexicon = {
  language: 'ta',
  intents: {
    booking: ['புக்*', 'முன்பதிவு*', 'அப்பாயின்ட்மென்ட்*', 'அப்பாயிண்ட்மெண்ட்*', 'ஸ்லாட்*'],
    status: ['நிலை*', 'ஸ்டேட்டஸ்', 'என் முன்பதிவு*', 'என்னுடைய முன்பதிவு*', 'எப்போது', 'பணம்', 'பில்*', 'பாக்கி', 'செலுத்த*'],
    escalation: ['மனிதர்*', 'ஆளிடம்', 'நபர்*', 'மேனேஜர்*', 'மேலாளர்*', 'புகார்*', 'யாரிடமாவது பேச*'],
    faq: ['எத்தனை மணிக்கு', 'திறந்*', 'மூடு*', 'விலை*', 'கட்டணம்*', 'முகவரி*', 'எங்கே'],
  },
  positive: ['நன்றி', 'நல்ல*', 'சூப்பர்', 'அருமை*', 'மகிழ்ச்சி*', 'திருப்தி*'],
  negative: ['மோசம்*', 'மோசமான', 'கோபம்*', 'பிரச்சனை*', 'பிரச்சினை*', 'திருப்தியில்*', 'ஏமாற்ற*', 'வெறுப்*', 'நல்லாயில்*', 'நல்லதில்*', 'புகார்*'],
  negators: ['இல்லை', 'இல்ல', 'வேண்டாம்', 'கிடையாது', 'அல்ல'],
  negatorPosition: 'after',
};
