//! Featured events as full-screen posters in the rotation: which events are
//! featured (`[posters]`), and where their posters come among the schedule's
//! pages. Pure: the frame asks which slide is on screen.

use crate::domain::config::Posters;
use crate::domain::feed::EventState;
use crate::domain::schedule::Scheduled;

/// One step of the rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slide {
    /// A page of the schedule (0-based).
    Page(usize),
    /// A poster for the featured event at this index.
    Poster(usize),
    /// A staff notice's page (the index among the page notices on).
    Notice(usize),
    /// The opening hours of the coming week (`opening_hours.page`).
    Hours,
}

/// The events on the schedule that get a poster: those matching `[posters]`
/// (a category, a tag or an audience, ignoring case) that have a picture and
/// can still be attended (not sold out, not cancelled), in schedule order.
pub fn featured<'a>(shown: &[Scheduled<'a>], posters: &Posters) -> Vec<Scheduled<'a>> {
    let matches = |wanted: &[String], values: &[String]| {
        values.iter().any(|value| wanted.iter().any(|want| want.to_lowercase() == value.to_lowercase()))
    };
    shown
        .iter()
        .filter(|item| matches!(item.event.state, EventState::Active | EventState::TicketSaleNotOpen))
        .filter(|item| !item.event.images.is_empty())
        .filter(|item| {
            let event = item.event;
            matches(&posters.categories, &event.categories)
                || matches(&posters.tags, &event.tags)
                || matches(&posters.audiences, &event.audiences)
        })
        .copied()
        .collect()
}

/// The rotation: the schedule's `pages` with a poster after every `every`
/// pages (after the last one when there are fewer), going through the
/// `featured` events in turn; the pages come round as often as it takes for
/// every featured event to have its poster once. Pages alone when nothing is
/// featured or there is no page.
pub fn slides(pages: usize, featured: usize, every: usize) -> Vec<Slide> {
    let every = every.max(1);
    if featured == 0 || pages == 0 {
        return (0..pages).map(Slide::Page).collect();
    }
    let per_round = (pages / every).max(1);
    let rounds = featured.div_ceil(per_round);
    let mut slides = Vec::with_capacity(rounds * (pages + per_round));
    let mut next_poster = 0;
    for _ in 0..rounds {
        for page in 0..pages {
            slides.push(Slide::Page(page));
            let poster_here = (page + 1) % every == 0 || (pages < every && page + 1 == pages);
            if poster_here {
                slides.push(Slide::Poster(next_poster % featured));
                next_poster += 1;
            }
        }
    }
    slides
}

/// The whole rotation: [`slides`] (pages and posters), then the staff notices'
/// pages, which close each round.
pub fn rotation(pages: usize, featured: usize, posters: &Posters, notices: usize, hours: bool) -> Vec<Slide> {
    let every = posters.every_pages as usize;
    let hours = hours.then_some(Slide::Hours);
    slides(pages, featured, every).into_iter().chain((0..notices).map(Slide::Notice)).chain(hours).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Slide::{Page, Poster};

    use crate::domain::feed::{sample_event, Event};
    use chrono::NaiveDate;

    /// Featured: matching a category, a tag or an audience (ignoring case), with a
    /// picture, and not sold out or cancelled.
    #[test]
    fn featured_events_match_have_a_picture_and_can_be_attended() {
        let event = |id: &str, edit: &dyn Fn(&mut Event)| {
            let mut event = sample_event(id, "2026-11-23T14:00:00+01:00", "2026-11-23T15:00:00+01:00");
            event.images = vec![format!("https://x.dk/{id}.jpg")];
            edit(&mut event);
            event
        };
        let events = [
            event("tagged", &|event| event.tags = vec!["vi anbefaler".into()]),
            event("category", &|event| event.categories = vec!["Koncert".into()]),
            event("audience", &|event| event.audiences = vec!["Børn".into()]),
            event("plain", &|_| {}),
            event("no-picture", &|event| {
                event.tags = vec!["Vi anbefaler".into()];
                event.images.clear();
            }),
            event("sold-out", &|event| {
                event.tags = vec!["Vi anbefaler".into()];
                event.state = EventState::SoldOut;
            }),
        ];
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let shown: Vec<Scheduled> =
            events.iter().map(|event| Scheduled { event, day, running: false, repeats: None }).collect();
        let posters = Posters {
            categories: vec!["koncert".into()],
            tags: vec!["Vi anbefaler".into()],
            audiences: vec!["BØRN".into()],
            every_pages: 3,
        };
        let ids: Vec<&str> = featured(&shown, &posters).iter().map(|item| item.event.id.as_str()).collect();
        assert_eq!(ids, ["tagged", "category", "audience"]);
        let none = Posters { categories: vec![], tags: vec![], audiences: vec![], every_pages: 3 };
        assert!(featured(&shown, &none).is_empty(), "nothing configured: no posters");
    }

    #[test]
    fn posters_come_between_pages_until_each_has_been_shown() {
        assert_eq!(slides(3, 0, 2), [Page(0), Page(1), Page(2)], "nothing featured");
        assert_eq!(slides(0, 2, 2), [], "no pages, no posters");
        assert_eq!(slides(4, 1, 2), [Page(0), Page(1), Poster(0), Page(2), Page(3), Poster(0)]);
        assert_eq!(slides(1, 1, 3), [Page(0), Poster(0)], "fewer pages than `every`: after the last");
        // Three featured, one poster slot a round: the pages come round three times.
        assert_eq!(
            slides(2, 3, 2),
            [Page(0), Page(1), Poster(0), Page(0), Page(1), Poster(1), Page(0), Page(1), Poster(2)]
        );
        let long = slides(70, 5, 3);
        assert_eq!(long.iter().filter(|slide| matches!(slide, Page(_))).count(), 70);
        assert_eq!(long.iter().filter(|slide| matches!(slide, Poster(_))).count(), 23);
    }
}
