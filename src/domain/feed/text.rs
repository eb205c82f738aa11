//! Text from the CMS made fit for the screen: trimmed, entities decoded, white
//! space folded, and emoji taken out. The screen's font has no emoji, so
//! "Quiz-aften 🎉 med præmier" would show a hole; it shows "Quiz-aften med
//! præmier" (the words carry the meaning; a colour emoji font would cost
//! megabytes on every Pi).

/// Trims, decodes HTML entities and folds inner white space (a subtitle's line
/// breaks too: a screen row is one line); `None` when empty. For ids and URLs.
pub(super) fn clean(text: &str) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    // Most strings need nothing more: skip the decode and re-join allocations.
    let plain =
        !trimmed.contains('&') && !trimmed.contains("  ") && !trimmed.contains(|c: char| c.is_whitespace() && c != ' ');
    if plain {
        return Some(trimmed.to_string());
    }
    let decoded = html_escape::decode_html_entities(trimmed);
    let folded = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    (!folded.is_empty()).then_some(folded)
}

/// [`clean`], without emoji: for every text the screen shows.
pub(super) fn clean_text(text: &str) -> Option<String> {
    let cleaned = clean(text)?;
    if !cleaned.chars().any(is_emoji_part) {
        return Some(cleaned);
    }
    let kept: String = cleaned.chars().filter(|c| !is_emoji_part(*c)).collect();
    // "Café ☕ for alle" → "Café for alle"; "Quiz 🎉!" → "Quiz!".
    let folded = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    let tidied = folded.replace(" !", "!").replace(" ?", "?").replace(" .", ".").replace(" ,", ",");
    (!tidied.is_empty()).then_some(tidied)
}

pub(super) fn clean_all(values: &[String]) -> Vec<String> {
    values.iter().filter_map(|value| clean(value)).collect()
}

/// A pictograph (Unicode's emoji blocks and the emoji among the older symbols),
/// or what joins and styles them: the variation selectors, the zero-width
/// joiner, skin tones (in the pictograph block), flags' letters and tags, the
/// keycap mark. Letters, digits, punctuation, arrows and ©/® stay.
fn is_emoji_part(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF // pictographs, emoticons, transport, flags' letters, supplemental symbols
        | 0x2600..=0x27BF // miscellaneous symbols (☀ ☕ ♥) and dingbats (✂ ✨ ❤)
        | 0x231A | 0x231B | 0x2328 | 0x23CF | 0x23E9..=0x23F3 | 0x23F8..=0x23FA // ⌚ ⌛ ⏰ ⏳
        | 0x2B05..=0x2B07 | 0x2B1B | 0x2B1C | 0x2B50 | 0x2B55 // ⬅ ⬛ ⭐ ⭕
        | 0x3030 | 0x303D | 0x3297 | 0x3299
        | 0xFE0E | 0xFE0F | 0x200D | 0x20E3 // text/emoji style, joiner, keycap
        | 0xE0020..=0xE007F // tags (regional flags)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_leave_no_hole_and_no_double_space() {
        let check = |raw: &str, expected: Option<&str>| assert_eq!(clean_text(raw).as_deref(), expected, "{raw}");
        check("Quiz-aften 🎉 med præmier", Some("Quiz-aften med præmier"));
        check("👨‍👩‍👧‍👦 Familiedag i haven", Some("Familiedag i haven"));
        check("❤️ Kærlighedsdigte ❤️", Some("Kærlighedsdigte"));
        check("Café ☕ for alle", Some("Café for alle"));
        check("Quiz 🎉!", Some("Quiz!"));
        check("Dansk rock 🇩🇰🎸 i 1970'erne", Some("Dansk rock i 1970'erne"));
        check("Ring 1️⃣ gang", Some("Ring 1 gang"));
        check("👍🏽", None);
        // What the font has stays: letters, dashes, quotes, arrows, ©, ½.
        check("»Læsekreds« – 2½ time → 18:00 © Aarhus", Some("»Læsekreds« – 2½ time → 18:00 © Aarhus"));
        check("  Hovedbiblioteket  ", Some("Hovedbiblioteket"));
    }
}
