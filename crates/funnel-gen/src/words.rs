//! The vocabulary of generated ledgers: channels, companies, people, project
//! titles and the things freelancers write in notes.

/// A channel the generated ledger declares, and how often leads come from it.
pub struct ChannelDef {
    pub name: &'static str,
    pub title: &'static str,
    /// Metadata lines of the declaration, `(key, value)` as written.
    pub meta: &'static [(&'static str, &'static str)],
    /// Relative share of leads; 0 for a parent that only groups.
    pub leads: u32,
    /// Deal ids from this channel start with this.
    pub prefix: &'static str,
    /// Share of its deals priced in USD, in percent.
    pub usd: u32,
    /// Leads name the person who referred them (`from CONTACT`).
    pub referred: bool,
    /// Leads are imported by a mail rule and carry a `ref:` URL.
    pub imported: bool,
}

const fn channel(
    name: &'static str,
    title: &'static str,
    meta: &'static [(&'static str, &'static str)],
    leads: u32,
    prefix: &'static str,
) -> ChannelDef {
    ChannelDef {
        name,
        title,
        meta,
        leads,
        prefix,
        usd: 5,
        referred: false,
        imported: false,
    }
}

pub const CHANNELS: &[ChannelDef] = &[
    ChannelDef {
        referred: true,
        ..channel(
            "network",
            "Personal network",
            &[("kind", "network")],
            5,
            "net-",
        )
    },
    ChannelDef {
        referred: true,
        ..channel("network:alumni", "University alumni", &[], 3, "alu-")
    },
    ChannelDef {
        referred: true,
        ..channel("network:ex-colleagues", "Former colleagues", &[], 3, "col-")
    },
    ChannelDef {
        referred: true,
        usd: 15,
        ..channel(
            "referral",
            "Referrals from clients and friends",
            &[("kind", "referral")],
            10,
            "ref-",
        )
    },
    channel(
        "platform",
        "Freelance platforms",
        &[
            ("kind", "platform"),
            ("fee", "10%  ; inherited by every platform:* channel"),
        ],
        0,
        "",
    ),
    ChannelDef {
        usd: 55,
        imported: true,
        ..channel("platform:upwork", "Upwork", &[], 22, "uw-")
    },
    channel("platform:malt", "Malt", &[("fee", "8%")], 9, "malt-"),
    ChannelDef {
        usd: 80,
        ..channel(
            "platform:toptal",
            "Toptal",
            &[("fee", "15%"), ("vetted", "2024-03-01")],
            4,
            "tt-",
        )
    },
    ChannelDef {
        imported: true,
        ..channel(
            "platform:freelancermap",
            "freelancermap",
            &[("fee", "0%"), ("plan", "\"Premium, 24 EUR/month\"")],
            6,
            "fm-",
        )
    },
    channel("inbound", "Inbound", &[("kind", "inbound")], 0, ""),
    channel("inbound:blog", "Blog posts about Rust", &[], 5, "blog-"),
    channel(
        "inbound:talks",
        "Conference and meetup talks",
        &[],
        3,
        "talk-",
    ),
    channel(
        "inbound:newsletter",
        "The monthly newsletter",
        &[("subscribers", "1850")],
        2,
        "nl-",
    ),
    channel("outbound", "Outbound", &[("kind", "outbound")], 0, ""),
    channel("outbound:cold-mail", "Cold e-mail campaigns", &[], 6, "cm-"),
    channel("outbound:linkedin", "LinkedIn outreach", &[], 5, "li-"),
    channel("jobboard", "Job boards", &[("kind", "jobboard")], 0, ""),
    ChannelDef {
        imported: true,
        ..channel(
            "jobboard:alerts",
            "Job-board alerts, imported by a mail rule",
            &[],
            17,
            "ja-",
        )
    },
];

pub const COMPANIES: &[&str] = &[
    "acme",
    "nordlicht",
    "kleinbau",
    "ledgerly",
    "fernway",
    "quantlab",
    "mediawerk",
    "parcelhub",
    "greenfleet",
    "agrotech",
    "stadtwerke",
    "openbike",
    "medisync",
    "zeitwerk",
    "hausbank",
    "brauhaus",
    "solarpark",
    "carter",
    "printmatic",
    "albrecht",
    "bahndata",
    "insuro",
    "retailio",
    "grid",
    "datafox",
    "bluewave",
    "cargotrack",
    "finova",
    "healthly",
    "logimax",
    "metrix",
    "novapay",
    "orbital",
    "pixelhaus",
    "quickship",
    "railnet",
    "sensorix",
    "tessera",
    "urbanflow",
    "voltaic",
    "weatherly",
    "xylo",
    "yardstick",
    "zenbank",
    "alpenbahn",
    "bergwerk",
    "citylab",
    "dockside",
    "elbtal",
    "fjord",
    "gleis",
    "hafen",
    "isar",
    "jadebay",
    "kiezcloud",
    "lindenhof",
    "moorland",
    "neckar",
    "oderland",
    "spreewerk",
];

pub const TITLES: &[&str] = &[
    "Rust backend, 3 months",
    "Order service in Rust, 3 days/week",
    "Axum API for a site-planning tool",
    "gRPC gateway for an IoT fleet",
    "port a Python ETL to Rust",
    "Kafka consumer rewrite",
    "WASM plugin system",
    "nRF52 firmware in embedded Rust",
    "low-latency market data feed",
    "OpenTelemetry for a Rust fleet",
    "Postgres tuning for a Rust backend",
    "payments risk engine review",
    "two-day async Rust workshop, team of 8",
    "CLI for a dev-tools startup",
    "HL7 parser and sync service",
    "sync engine for a time-tracking SaaS",
    "Tauri desktop app",
    "claims engine for an insurer",
    "product search service",
    "charging-station backend",
    "rail timetable data service",
    "bike-sharing fleet telemetry",
    "ledger service for a Frankfurt fintech",
    "review of their async code, tokio deadlocks",
    "Rust SDK for their public API",
    "SCADA gateway, on site in Munich",
    "document pipeline for a tax office",
    "video transcoding pipeline",
    "\"senior\" Rust dev, long-term",
    "Überarbeitung der Abrechnung — Rust",
    "metering data service",
    "route optimiser rewrite",
    "performance audit of an Actix service",
    "OAuth2 service",
    "pgrx extension for fuzzy search",
    "embedded Rust consulting, medical devices",
];

pub const TAGS: &[&str] = &[
    "rust",
    "embedded",
    "consulting",
    "training",
    "remote",
    "onsite",
    "fixed-price",
    "urgent",
    "wasm",
    "async",
];

pub const FIRST_NAMES: &[&str] = &[
    "anna", "marco", "david", "katrin", "jonas", "lena", "felix", "tom", "priya", "ben", "sofia",
    "lukas", "mia", "noah", "emma", "paul", "hannah", "leon", "clara", "elias", "ida", "finn",
    "lea", "jan", "nora", "moritz", "ella", "karl", "greta", "oskar", "aylin", "mehmet", "chen",
    "yuki", "omar", "fatima", "ivan", "olga", "pedro", "lucia",
];

pub const LAST_NAMES: &[&str] = &[
    "schmidt",
    "rossi",
    "klein",
    "maier",
    "weber",
    "hoffmann",
    "wagner",
    "becker",
    "nair",
    "carter",
    "almeida",
    "fischer",
    "schulz",
    "koch",
    "richter",
    "wolf",
    "neumann",
    "schwarz",
    "zimmermann",
    "braun",
    "krueger",
    "hartmann",
    "lange",
    "werner",
    "krause",
    "lehmann",
    "koehler",
    "jung",
    "otto",
    "sommer",
];

pub const ROLES: &[&str] = &[
    "Head of Engineering",
    "CTO",
    "Engineering Manager",
    "Founder",
    "Tech Lead",
    "Recruiter",
    "Product Owner",
];

pub const LOST_REASONS: &[&str] = &[
    "went with a cheaper bid",
    "chose an agency",
    "hired in-house instead",
    "project shelved",
    "budget frozen until autumn",
    "chose someone with more domain experience",
    "they built it themselves",
    "budget cut",
];

pub const SILENT_REASONS: &[&str] = &[
    "no reply",
    "no reply after two follow-ups",
    "went quiet after the call",
];

pub const DECLINED_REASONS: &[&str] = &[
    "fixed price far too low",
    "5 days a week on site",
    "not my field",
    "against the site's terms",
    "trading bots, no thanks",
    "25 USD/h",
    "fully booked",
];

pub const ENDED_NOTES: &[&str] = &[
    "handed over to their new hire",
    "report delivered two days early",
    "shipped, they want me back next year",
    "smooth hand-over",
];

pub const CANCELLED_NOTES: &[&str] = &[
    "funding round fell through, 2 weeks notice",
    "priorities changed",
    "budget cut mid-project",
];

pub const DEAL_NOTES: &[&str] = &[
    "they pay in USD, net 30",
    "procurement takes months, be patient",
    "CTO hints at a budget freeze",
    "interested, but not before autumn",
    "waiting for grant approval",
    "follow-up call next week",
    "asked for a reference call",
    "sent the security questionnaire",
    "they want a fixed price; offered a capped T&M instead",
];

pub const TOUCH_NOTES: &[&str] = &[
    "coffee",
    "lunch",
    "New Year call",
    "LinkedIn message, congrats on the new job",
    "beers after the meetup",
    "thank-you bottle for the intro",
    "video call",
];

pub const CHANNEL_SPENDING: &[&str] = &[
    "job feed",
    "profile refresh",
    "connects",
    "post: async Rust in production",
    "sent a batch of 25 mails",
    "meetup talk",
    "newsletter issue",
    "researched 20 firms",
];

pub const COMMENTS: &[&str] = &[
    "called twice",
    "via the mail rule",
    "good fit",
    "long shot",
    "ask Anna about them",
    "biggest one this quarter",
];

pub const NEXT_STEPS: &[&str] = &[
    "follow up in two weeks",
    "send the revised estimate",
    "ask for a reference call",
    "wait for their budget decision",
    "book a call with the CTO",
];

pub const LOCATIONS: &[&str] = &[
    "Berlin",
    "Hamburg",
    "Munich",
    "remote",
    "Frankfurt",
    "Cologne",
    "Leipzig",
    "Vienna",
    "Zurich",
];

pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
