//! Turning the page: a stepped fade (a handful of redraws), or a plain turn
//! with `screen.reduced_motion`.

use std::time::Duration;

use slint::{ComponentHandle, TimerMode};

use crate::domain::paginate::next_page;
use crate::ui::screen::{with_screen, Screen};
use crate::ui::{MainWindow, ScheduleAdapter};

impl Screen {
    /// Turns to the next page, fading out and in unless `reduced_motion` is set.
    pub(super) fn rotate(&mut self, window: &MainWindow) {
        // The page count of the frame on screen; if events ended since, the next
        // draw wraps an out-of-range page to the first (build_frame does).
        let next = next_page(self.page_index, self.page_count);
        if next == self.page_index || self.config.screen.reduced_motion {
            self.page_index = next;
            self.draw(window);
            return;
        }
        self.page_index = next;
        // A stepped fade: a handful of redraws per page turn. A smooth animation
        // would redraw the whole page at display rate (measured: 1.9 % of a core
        // instead of 0.15 %, and choppy on a Pi's software renderer anyway).
        let weak = window.as_weak();
        let step = std::cell::Cell::new(0);
        self.fade.start(TimerMode::Repeated, FADE_STEP, move || {
            let Some(window) = weak.upgrade() else { return };
            let index = step.get();
            step.set(index + 1);
            match FADE.get(index) {
                Some(FadeStep::Opacity(opacity)) => window.global::<ScheduleAdapter>().set_page_opacity(*opacity),
                Some(FadeStep::NextPage) => with_screen(|screen| screen.draw(&window)),
                None => with_screen(|screen| screen.fade.stop()),
            }
        });
    }
}

/// A page turn: fade out in two steps, show the next page, fade in.
enum FadeStep {
    Opacity(f32),
    NextPage,
}
const FADE: [FadeStep; 5] = [
    FadeStep::Opacity(0.5),
    FadeStep::Opacity(0.0),
    FadeStep::NextPage,
    FadeStep::Opacity(0.5),
    FadeStep::Opacity(1.0),
];
const FADE_STEP: Duration = Duration::from_millis(70);
