//! The Start times page's map toggle (`m`): list → map by start quarter → map by the
//! comparison's measure → list. The map models are cached by what decides them, so cycling
//! back is instant; they are built only while the map is on screen.

use super::cache::KeyedCache;
use crate::core::bundle::Bundle;
use crate::core::choices::Choices;
use crate::core::derive::{Comparison, Outcome};
use crate::core::view::map::{MapColouring, MapView};
use chrono::NaiveDate;
use std::sync::Arc;

type MapKey = (Comparison, Outcome, NaiveDate, MapColouring);

pub struct MapState {
    /// `None`: the page shows its lists.
    pub colouring: Option<MapColouring>,
    /// The map for the current choices while it is on screen.
    pub view: Option<Arc<MapView>>,
    cache: KeyedCache<MapKey, MapView>,
}

impl MapState {
    pub fn new() -> MapState {
        MapState {
            colouring: None,
            view: None,
            cache: KeyedCache::new(32),
        }
    }

    /// `m`: the next of list, start-quarter map, measure map.
    pub fn cycle(&mut self) {
        self.colouring = match self.colouring {
            None => Some(MapColouring::StartDate),
            Some(MapColouring::StartDate) => Some(MapColouring::Measure),
            Some(MapColouring::Measure) => None,
        };
    }

    /// Brings the map up to the choices when it is on screen (`shown`); drops it otherwise.
    pub fn refresh(&mut self, bundle: &Bundle, choices: &Choices, shown: bool) {
        self.view = match (self.colouring, shown) {
            (Some(c), true) => {
                let key = (choices.comparison, choices.outcome, choices.cutoff, c);
                Some(
                    self.cache
                        .get_or_compute(key, || MapView::build(bundle, choices, c)),
                )
            }
            _ => None,
        };
    }
}

impl Default for MapState {
    fn default() -> Self {
        MapState::new()
    }
}
