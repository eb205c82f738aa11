//! `[opening_hours]`: the week in the config, or the CMS's own hours with the
//! config's week as the fallback; each problem with its line.

use toml::Spanned;
use url::Url;

use super::primitives::non_empty;
use super::Checker;
use crate::domain::config::raw::RawOpeningHours;
use crate::domain::config::{Branch, Margins};
use crate::domain::config::{CmsHoursSettings, OffHours, OpeningHours};

/// The CMS's categories that count as open unless the config names others.
const OPEN_CATEGORIES: [&str; 3] = ["Åbent", "Med betjening", "Selvbetjening"];

impl Checker<'_> {
    pub(super) fn opening_hours(&mut self, raw: RawOpeningHours, sources: &[Url]) -> OpeningHours {
        let days = [&raw.monday, &raw.tuesday, &raw.wednesday, &raw.thursday, &raw.friday, &raw.saturday, &raw.sunday];
        let names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        let mut parsed = [None; 7];
        for (index, value) in days.into_iter().enumerate() {
            let Some(value) = value else { continue };
            match parse_hours(value.get_ref()) {
                Some(hours) => parsed[index] = Some(hours),
                None => {
                    let message =
                        format!("\"{}\" is not opening hours; write \"08:00-20:00\" or \"closed\"", value.get_ref());
                    self.report(value.span().start, &format!("opening_hours.{}", names[index]), message);
                }
            }
        }
        let from_cms =
            self.choice("opening_hours.source", raw.source.clone(), &[("config", false), ("cms", true)], false);
        OpeningHours {
            days: parsed,
            off_hours: self.choice(
                "opening_hours.off_hours",
                raw.off_hours.clone(),
                &[("black", OffHours::Black), ("dim", OffHours::Dim)],
                OffHours::Black,
            ),
            cms: if from_cms { self.cms_hours(&raw, sources) } else { None },
            on_command: raw.on_command,
            off_command: raw.off_command,
        }
    }

    /// `source = "cms"`: the address, the branch, the categories and the margins.
    fn cms_hours(&mut self, raw: &RawOpeningHours, sources: &[Url]) -> Option<CmsHoursSettings> {
        let source_at = raw.source.as_ref().map_or(0, |source| source.span().start);
        let url = self.hours_url(raw.url.as_ref(), sources, source_at)?;
        let branch =
            match (&raw.branch_id, raw.branch.as_ref().and_then(|name| non_empty(Some(name.get_ref().clone())))) {
                (Some(id), None) => Branch::Id(*id.get_ref()),
                (None, Some(name)) => Branch::Name(name),
                (Some(id), Some(_)) => {
                    let message = "set branch_id or branch, not both".to_string();
                    self.report(id.span().start, "opening_hours.branch_id", message);
                    return None;
                }
                (None, None) => {
                    let message = "the CMS publishes every branch's hours; say which: branch_id = 12, or \
                               branch = \"Hovedbiblioteket\" (its name on the website)"
                        .to_string();
                    self.report(source_at, "opening_hours.source", message);
                    return None;
                }
            };
        let minutes = |check: &mut Self, key: &str, raw: &Option<Spanned<i64>>, default: u32| {
            chrono::Duration::minutes(i64::from(check.number(key, raw.clone(), 0..=240, default)))
        };
        Some(CmsHoursSettings {
            url,
            branch,
            open_categories: match &raw.categories {
                Some(categories) => super::primitives::trimmed(categories.clone()),
                None => OPEN_CATEGORIES.map(String::from).to_vec(),
            },
            margins: Margins {
                before: minutes(self, "opening_hours.on_before_minutes", &raw.on_before_minutes, 30),
                after: minutes(self, "opening_hours.off_after_minutes", &raw.off_after_minutes, 15),
            },
            page: raw.page,
        })
    }

    /// The opening hours address: as written, or `/api/v1/opening_hours` on the
    /// first source's site.
    fn hours_url(&mut self, raw: Option<&Spanned<String>>, sources: &[Url], source_at: usize) -> Option<Url> {
        let Some(raw) = raw else {
            let Some(first) = sources.first() else {
                let message = "no [[sources]] to take the site from; write url = \"https://bibliotek.example.dk/api/v1/opening_hours\"";
                self.report(source_at, "opening_hours.source", message.to_string());
                return None;
            };
            let mut url = first.clone();
            url.set_path("/api/v1/opening_hours");
            url.set_query(None);
            return Some(url);
        };
        match Url::parse(raw.get_ref().trim()) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Some(url),
            _ => {
                let message = format!(
                    "\"{}\" is not a web address; write e.g. \"https://bibliotek.example.dk/api/v1/opening_hours\"",
                    raw.get_ref()
                );
                self.report(raw.span().start, "opening_hours.url", message);
                None
            }
        }
    }
}

/// "08:00-20:00" → Some(Some((08:00, 20:00))); "closed" → Some(None).
fn parse_hours(text: &str) -> Option<Option<(chrono::NaiveTime, chrono::NaiveTime)>> {
    let text = text.trim();
    if ["closed", "lukket"].iter().any(|word| text.eq_ignore_ascii_case(word)) {
        return Some(None);
    }
    let (open, close) = text.split_once(['-', '–'])?;
    let time = |part: &str| chrono::NaiveTime::parse_from_str(part.trim(), "%H:%M").ok();
    let (open, close) = (time(open)?, time(close)?);
    (open < close).then_some(Some((open, close)))
}

#[cfg(test)]
mod tests {
    use crate::domain::config::parse::parse;
    use crate::domain::config::Branch;

    const SOURCE: &str = "[[sources]]\nurl = \"https://bibliotek.example.dk/api/v1/events?x=1\"\n";

    #[test]
    fn cms_hours_default_to_the_first_sources_site() {
        let config = parse(&format!("{SOURCE}\n[opening_hours]\nsource = \"cms\"\nbranch = \" Hovedbiblioteket \"\n"))
            .expect("valid");
        let cms = config.opening_hours.cms.expect("from the CMS");
        assert_eq!(cms.url.as_str(), "https://bibliotek.example.dk/api/v1/opening_hours");
        assert_eq!(cms.branch, Branch::Name("Hovedbiblioteket".into()));
        assert_eq!(cms.open_categories, ["Åbent", "Med betjening", "Selvbetjening"]);
        assert_eq!((cms.margins.before.num_minutes(), cms.margins.after.num_minutes()), (30, 15));
        assert!(!cms.page);
        let config = parse(&format!(
            "{SOURCE}\n[opening_hours]\nsource = \"cms\"\nbranch_id = 12\nurl = \"http://127.0.0.1:8080/hours\"\ncategories = [\"Åbent\"]\non_before_minutes = 0\npage = true\n"
        ))
        .expect("valid");
        let cms = config.opening_hours.cms.expect("from the CMS");
        assert_eq!((cms.url.as_str(), &cms.branch), ("http://127.0.0.1:8080/hours", &Branch::Id(12)));
        assert_eq!((cms.open_categories.len(), cms.margins.before.num_minutes(), cms.page), (1, 0, true));
        assert_eq!(parse(SOURCE).expect("valid").opening_hours.cms, None, "the config's week by default");
    }

    #[test]
    fn cms_hours_need_one_branch_and_sane_margins() {
        let check = |extra: &str, expected: &str| {
            let problems = parse(&format!("{SOURCE}\n[opening_hours]\nsource = \"cms\"\n{extra}")).expect_err(extra);
            let lines: Vec<String> = problems.iter().map(|problem| problem.display("e.toml").to_string()).collect();
            assert!(lines.iter().any(|line| line.starts_with(expected)), "{expected} in {lines:?}");
        };
        check("", "e.toml:5:10: opening_hours.source: the CMS publishes every branch's hours; say which");
        check(
            "branch_id = 3\nbranch = \"Øst\"\n",
            "e.toml:6:13: opening_hours.branch_id: set branch_id or branch, not both",
        );
        check("branch_id = 3\non_before_minutes = 600\n", "e.toml:7:21: opening_hours.on_before_minutes");
        check("branch_id = 3\nurl = \"ftp://x\"\n", "e.toml:7:7: opening_hours.url: \"ftp://x\" is not a web address");
    }
}
