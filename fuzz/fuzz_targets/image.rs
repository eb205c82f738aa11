//! Any bytes as an event picture: decoding under the limits must refuse or
//! succeed, never panic or allocate beyond them, and a decoded picture must
//! make a thumbnail.
#![no_main]

use eventscreen::edges::picture_decode::{decode_limited, make_thumb};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(image) = decode_limited(data) {
        let thumb = make_thumb(image);
        assert_eq!(thumb.dimensions(), (640, 480));
    }
});
