//! Cookie jar (§1.1–§1.3) and id generators (§1.4, §3.2).
#![allow(clippy::unwrap_used)]

use goofish_protocol::cookies::CookieJar;
use goofish_protocol::ids;
use rand::SeedableRng;
use rand::rngs::StdRng;

#[test]
fn parse_preserves_order_and_overwrites_in_place() {
    let mut jar = CookieJar::parse(
        " unb=2219000000000; cookie2=abc ;novalue; =x; t=1; unb=2219000000001;a=b=c\r\n",
    );
    assert_eq!(
        jar.names().collect::<Vec<_>>(),
        ["unb", "cookie2", "t", "a"]
    );
    assert_eq!(jar.get("unb"), Some("2219000000001"));
    assert_eq!(jar.get("a"), Some("b=c"));
    assert_eq!(jar.len(), 4);
    jar.set("cookie2", "new");
    jar.set("x5sec", "ok");
    assert_eq!(
        jar.to_header(),
        "unb=2219000000001; cookie2=new; t=1; a=b=c; x5sec=ok"
    );
    assert!(jar.remove("t"));
    assert!(!jar.remove("t"));
    assert_eq!(
        jar.to_header(),
        "unb=2219000000001; cookie2=new; a=b=c; x5sec=ok"
    );
    assert!(!jar.is_empty());
    assert!(CookieJar::parse("").is_empty());
}

#[test]
fn crlf_is_stripped() {
    let mut jar = CookieJar::parse("a=1\r\n; b=2\n");
    jar.set("c", "3\r\n");
    assert_eq!(jar.to_header(), "a=1; b=2; c=3");
    jar.merge_set_cookie("d=4\r\n; Path=/", 0);
    assert_eq!(jar.get("d"), Some("4"));
}

#[test]
fn debug_hides_values() {
    let jar = CookieJar::parse("unb=2219000000000; cookie2=secretvalue");
    let dbg = format!("{jar:?}");
    assert!(dbg.contains("cookie2"));
    assert!(!dbg.contains("secretvalue"));
    assert!(!dbg.contains("2219000000000"));
}

#[test]
fn unb_and_token() {
    assert_eq!(
        CookieJar::parse("unb=2219000000000").unb(),
        Some("2219000000000")
    );
    assert_eq!(CookieJar::parse("unb=").unb(), None);
    assert_eq!(CookieJar::parse("unb=12a").unb(), None);
    assert_eq!(CookieJar::parse("x=1").unb(), None);
    let jar = CookieJar::parse("_m_h5_tk=cc382a584eaa9c3199f16b836d65261b_1754570160098");
    assert_eq!(jar.m_h5_token(), "cc382a584eaa9c3199f16b836d65261b");
    assert_eq!(CookieJar::parse("a=b").m_h5_token(), "");
}

#[test]
fn set_cookie_merge() {
    let now = 1_700_000_000_000;
    let mut jar = CookieJar::parse("unb=1; _m_h5_tk=old_1; _m_h5_tk_enc=oldenc; x5sec=abc; gone=1");
    jar.merge_set_cookie(
        "_m_h5_tk=newtok_1700003600000; Domain=.goofish.com; Path=/; Max-Age=3600",
        now,
    );
    jar.merge_set_cookie("_m_h5_tk_enc=newenc; Domain=.goofish.com; Path=/", now);
    jar.merge_set_cookie("x5sec=; Max-Age=0; Path=/", now);
    jar.merge_set_cookie("gone=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT", now);
    jar.merge_set_cookie("fresh=yes; Expires=Wed, 01 Jan 2098 00:00:00 GMT", now);
    jar.merge_set_cookie("neg=1; max-age=-5", now);
    jar.merge_set_cookie("noequals; Path=/", now);
    assert_eq!(
        jar.to_header(),
        "unb=1; _m_h5_tk=newtok_1700003600000; _m_h5_tk_enc=newenc; fresh=yes"
    );
    assert_eq!(jar.m_h5_token(), "newtok");
    // Max-Age wins over Expires (RFC 6265)
    jar.merge_set_cookie(
        "k=v; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60",
        now,
    );
    assert_eq!(jar.get("k"), Some("v"));
    // empty value without deletion attributes is kept literally (reference behaviour)
    jar.merge_set_cookie("k=", now);
    assert_eq!(jar.get("k"), Some(""));
}

#[test]
fn device_id_format() {
    let re = regex::Regex::new(
        r"^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}-[0-9]+$",
    )
    .unwrap();
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..500 {
        let did = ids::device_id("2219000000000", &mut rng);
        assert!(re.is_match(&did), "{did}");
        assert!(ids::is_device_id(&did));
        assert!(did.ends_with("-2219000000000"));
        assert_eq!(did.len(), 36 + 1 + 13);
    }
    assert!(ids::is_device_id(
        "52A18508-0611-46D1-BAF9-6F0D4214D29A-2219000000000"
    ));
    assert!(ids::is_device_id(
        "6F3A2B1C-9D8E-4F7A-B6C5-D4E3F2A1B0C9-2219000000000"
    ));
    for bad in [
        "52a18508-0611-46D1-BAF9-6F0D4214D29A-2219000000000",
        "52A18508-0611-36D1-BAF9-6F0D4214D29A-2219000000000",
        "52A18508-0611-46D1-CAF9-6F0D4214D29A-2219000000000",
        "52A18508-0611-46D1-BAF9-6F0D4214D29A-",
        "52A18508-0611-46D1-BAF9-6F0D4214D29A-12a",
        "52A18508-0611-46D1-BAF9-6F0D4214D29A",
        "",
        "52A18508-0611-46D1-BAF9-6F0D4214D29A-١٢",
    ] {
        assert!(!ids::is_device_id(bad), "{bad}");
        assert!(!re.is_match(bad));
    }
}

#[test]
fn mid_and_uuid_format() {
    let re = regex::Regex::new(r"^(0|[1-9][0-9]{0,2})1741704675979 0$").unwrap();
    let mut rng = StdRng::seed_from_u64(1);
    for _ in 0..200 {
        let mid = ids::mid(1_741_704_675_979, &mut rng);
        assert!(re.is_match(&mid), "{mid}");
    }
    assert_eq!(ids::message_uuid(1_741_704_675_979), "-17417046759791");
    assert_eq!(ids::strip_goofish("1@goofish"), "1");
    assert_eq!(ids::with_goofish("1"), "1@goofish");
    assert_eq!(ids::with_goofish("1@goofish"), "1@goofish");
}
