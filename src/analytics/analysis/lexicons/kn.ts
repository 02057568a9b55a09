// Kannada: intent keywords and sentiment words. The negation comes after the word or fused into it (ಚೆನ್ನಾಗಿಲ್ಲ).
import type { LanguageLexicon } from './types.ts';

export const kannada: LanguageLexicon = {
  language: 'kn',
  intents: {
    booking: ['ಬುಕ್*', 'ಬುಕಿಂಗ್*', 'ಅಪಾಯಿಂಟ್‌ಮೆಂಟ್*', 'ಕಾಯ್ದಿರಿಸ*', 'ಸ್ಲಾಟ್*'],
    status: ['ಸ್ಥಿತಿ', 'ಸ್ಟೇಟಸ್', 'ನನ್ನ ಬುಕಿಂಗ್*', 'ನನ್ನ ಅಪಾಯಿಂಟ್‌ಮೆಂಟ್*', 'ಯಾವಾಗ', 'ಪಾವತಿ*', 'ಬಿಲ್*', 'ಬಾಕಿ', 'ಎಷ್ಟು ಕಟ್ಟ*'],
    escalation: ['ಮನುಷ್ಯ*', 'ವ್ಯಕ್ತಿ*', 'ಮ್ಯಾನೇಜರ್*', 'ದೂರು*', 'ಯಾರಾದರೂ ಜೊತೆ ಮಾತನಾಡ*'],
    faq: ['ಎಷ್ಟು ಗಂಟೆಗೆ', 'ತೆರೆ*', 'ಮುಚ್ಚ*', 'ಬೆಲೆ*', 'ಶುಲ್ಕ*', 'ವಿಳಾಸ*', 'ಎಲ್ಲಿ*'],
  },
  positive: ['ಧನ್ಯವಾದ*', 'ಚೆನ್ನಾಗಿ*', 'ಒಳ್ಳೆಯ*', 'ಸೂಪರ್', 'ಅದ್ಭುತ*', 'ಖುಷಿ*', 'ಸಂತೋಷ*', 'ತೃಪ್ತಿ*'],
  negative: ['ಕೆಟ್ಟ*', 'ಚೆನ್ನಾಗಿಲ್ಲ*', 'ಕೋಪ*', 'ಸಮಸ್ಯೆ*', 'ತೊಂದರೆ*', 'ನಿರಾಶೆ*', 'ಬೇಸರ*', 'ಅತೃಪ್ತಿ*', 'ದೂರು*'],
  negators: ['ಇಲ್ಲ', 'ಬೇಡ', 'ಅಲ್ಲ'],
  negatorPosition: 'after',
};
