//! Colours: parsing `#rrggbb` and WCAG 2 contrast, so legibility is checked, not hoped for.

/// `#rrggbb` (or `rrggbb`) → 0xRRGGBB.
pub fn parse_hex(text: &str) -> Option<u32> {
    let hex = text.trim().trim_start_matches('#');
    (hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit())).then(|| u32::from_str_radix(hex, 16).ok()).flatten()
}

/// WCAG 2 relative luminance of 0xRRGGBB.
pub fn relative_luminance(rgb: u32) -> f64 {
    let channel = |shift: u32| {
        let value = f64::from((rgb >> shift) & 0xff) / 255.0;
        if value <= 0.04045 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
}

/// WCAG 2 contrast ratio, from 1 (none) to 21 (black on white).
pub fn contrast_ratio(a: u32, b: u32) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The least contrast body text may have: WCAG 2 level AA.
pub const MIN_TEXT_CONTRAST: f64 = 4.5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_ratios() {
        assert!((contrast_ratio(0x000000, 0xffffff) - 21.0).abs() < 1e-9);
        assert!((contrast_ratio(0x777777, 0xffffff) - 4.48).abs() < 0.01);
        assert_eq!(parse_hex("#14202B"), Some(0x14202b));
        assert_eq!(parse_hex("14202b"), Some(0x14202b));
        assert_eq!(parse_hex("#1420"), None);
        assert_eq!(parse_hex("#gg0000"), None);
    }
}
