//! Entities (the accounts, hosts, addresses, files… that alerts name) and their strong
//! identifiers: the normalised keys by which the correlation core decides that two alerts are
//! about the same thing. An entity without a strong identifier is kept for display but never
//! correlates, and neither does a built-in account such as `SYSTEM` on its name alone.

use std::fmt;
use std::net::IpAddr;
use std::ops::Range;

use super::text::trim;

/// The kinds of entity Sentinel and Defender XDR report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    /// A user or service account.
    Account,
    /// A computer.
    Host,
    /// An IP address.
    Ip,
    /// A URL.
    Url,
    /// A file on disk.
    File,
    /// A file's hash.
    FileHash,
    /// A running process.
    Process,
    /// A mailbox.
    Mailbox,
    /// One e-mail message.
    MailMessage,
    /// A cloud (SaaS) application.
    CloudApplication,
    /// An Azure resource.
    AzureResource,
    /// A registry key.
    RegistryKey,
    /// A DNS lookup.
    DnsResolution,
    /// A malware family.
    Malware,
    /// A security group.
    SecurityGroup,
}

impl EntityKind {
    /// Every kind, in the order the incident page groups them.
    pub const ALL: [EntityKind; 15] = [
        EntityKind::Account,
        EntityKind::Host,
        EntityKind::Ip,
        EntityKind::Url,
        EntityKind::File,
        EntityKind::FileHash,
        EntityKind::Process,
        EntityKind::Mailbox,
        EntityKind::MailMessage,
        EntityKind::CloudApplication,
        EntityKind::AzureResource,
        EntityKind::RegistryKey,
        EntityKind::DnsResolution,
        EntityKind::Malware,
        EntityKind::SecurityGroup,
    ];

    /// The `kind` the Sentinel REST API writes.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Account => "Account",
            EntityKind::Host => "Host",
            EntityKind::Ip => "Ip",
            EntityKind::Url => "Url",
            EntityKind::File => "File",
            EntityKind::FileHash => "FileHash",
            EntityKind::Process => "Process",
            EntityKind::Mailbox => "Mailbox",
            EntityKind::MailMessage => "MailMessage",
            EntityKind::CloudApplication => "CloudApplication",
            EntityKind::AzureResource => "AzureResource",
            EntityKind::RegistryKey => "RegistryKey",
            EntityKind::DnsResolution => "DnsResolution",
            EntityKind::Malware => "Malware",
            EntityKind::SecurityGroup => "SecurityGroup",
        }
    }

    /// The kind as a heading names it for an analyst ("IP address", "File hash"), where the API's
    /// name ("Ip", "FileHash") is a code.
    pub fn label(self) -> &'static str {
        match self {
            EntityKind::Account => "Account",
            EntityKind::Host => "Host",
            EntityKind::Ip => "IP address",
            EntityKind::Url => "URL",
            EntityKind::File => "File",
            EntityKind::FileHash => "File hash",
            EntityKind::Process => "Process",
            EntityKind::Mailbox => "Mailbox",
            EntityKind::MailMessage => "Mail message",
            EntityKind::CloudApplication => "Cloud application",
            EntityKind::AzureResource => "Azure resource",
            EntityKind::RegistryKey => "Registry key",
            EntityKind::DnsResolution => "DNS resolution",
            EntityKind::Malware => "Malware",
            EntityKind::SecurityGroup => "Security group",
        }
    }

    /// Reads a kind as either API spells it: the REST `kind` (`Account`, `FileHash`) or the Log
    /// Analytics `Type` (`account`, `filehash`, `mailMessage`, `dns`, `cloud-application`).
    pub fn parse(text: &str) -> Option<EntityKind> {
        // Folded into a small buffer on the stack and matched whole: this runs for every
        // entity of every alert. A test checks every kind's own name reads back.
        let mut folded = [0u8; 24];
        let mut length = 0;
        for byte in text
            .bytes()
            .filter(|byte| !matches!(byte, b'-' | b'_' | b' '))
        {
            // Longer than any name.
            *folded.get_mut(length)? = byte.to_ascii_lowercase();
            length += 1;
        }
        Some(match &folded[..length] {
            b"account" => EntityKind::Account,
            b"host" => EntityKind::Host,
            b"ip" => EntityKind::Ip,
            b"url" => EntityKind::Url,
            b"file" => EntityKind::File,
            b"filehash" => EntityKind::FileHash,
            b"process" => EntityKind::Process,
            b"mailbox" => EntityKind::Mailbox,
            b"mailmessage" => EntityKind::MailMessage,
            b"cloudapplication" | b"cloudapp" => EntityKind::CloudApplication,
            b"azureresource" | b"resource" => EntityKind::AzureResource,
            b"registrykey" => EntityKind::RegistryKey,
            b"dnsresolution" | b"dns" => EntityKind::DnsResolution,
            b"malware" => EntityKind::Malware,
            b"securitygroup" | b"group" => EntityKind::SecurityGroup,
            _ => return None,
        })
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which strong identifier of its kind a key is, so a reason can say "same UPN" rather than
/// "same account".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)] // Each variant names the identifier of the same name in the entity table.
pub enum Identifier {
    Upn,
    AadUserId,
    Sid,
    NtAccount,
    DnsAccount,
    ObjectGuid,
    Puid,
    HostInNtDomain,
    HostInDnsDomain,
    NetBiosInNtDomain,
    AzureId,
    OmsAgentId,
    PublicAddress,
    ScopedAddress,
    AbsoluteUrl,
    FileInDirectory,
    FileWithHash,
    Hash,
    ProcessOnHost,
    MailboxAddress,
    MessageToRecipient,
    AppId,
    AppName,
    ResourceId,
    RegistryPath,
    DnsLookup,
    MalwareFamily,
    DistinguishedName,
}

impl Identifier {
    /// Every identifier, so a stored label can be read back.
    pub const ALL: [Identifier; 28] = [
        Identifier::Upn,
        Identifier::AadUserId,
        Identifier::Sid,
        Identifier::NtAccount,
        Identifier::DnsAccount,
        Identifier::ObjectGuid,
        Identifier::Puid,
        Identifier::HostInNtDomain,
        Identifier::HostInDnsDomain,
        Identifier::NetBiosInNtDomain,
        Identifier::AzureId,
        Identifier::OmsAgentId,
        Identifier::PublicAddress,
        Identifier::ScopedAddress,
        Identifier::AbsoluteUrl,
        Identifier::FileInDirectory,
        Identifier::FileWithHash,
        Identifier::Hash,
        Identifier::ProcessOnHost,
        Identifier::MailboxAddress,
        Identifier::MessageToRecipient,
        Identifier::AppId,
        Identifier::AppName,
        Identifier::ResourceId,
        Identifier::RegistryPath,
        Identifier::DnsLookup,
        Identifier::MalwareFamily,
        Identifier::DistinguishedName,
    ];

    /// The identifier a label names.
    pub fn from_label(label: &str) -> Option<Identifier> {
        Identifier::ALL
            .into_iter()
            .find(|identifier| identifier.label() == label)
    }

    /// How a correlation reason names it.
    pub fn label(self) -> &'static str {
        match self {
            Identifier::Upn => "user principal name",
            Identifier::AadUserId => "Entra ID user id",
            Identifier::Sid => "SID",
            Identifier::NtAccount => "NT account",
            Identifier::DnsAccount => "account in DNS domain",
            Identifier::ObjectGuid => "object GUID",
            Identifier::Puid => "PUID",
            Identifier::HostInNtDomain => "host in NT domain",
            Identifier::HostInDnsDomain => "fully qualified host name",
            Identifier::NetBiosInNtDomain => "NetBIOS name in NT domain",
            Identifier::AzureId => "Azure resource id",
            Identifier::OmsAgentId => "OMS agent id",
            Identifier::PublicAddress => "public IP address",
            Identifier::ScopedAddress => "private IP address in its scope",
            Identifier::AbsoluteUrl => "URL",
            Identifier::FileInDirectory => "file path",
            Identifier::FileWithHash => "file with hash",
            Identifier::Hash => "file hash",
            Identifier::ProcessOnHost => "process on host",
            Identifier::MailboxAddress => "mailbox address",
            Identifier::MessageToRecipient => "message to recipient",
            Identifier::AppId => "application id",
            Identifier::AppName => "application name",
            Identifier::ResourceId => "resource id",
            Identifier::RegistryPath => "registry key",
            Identifier::DnsLookup => "DNS resolution",
            Identifier::MalwareFamily => "malware",
            Identifier::DistinguishedName => "distinguished name",
        }
    }
}

/// A normalised strong identifier. Two entities with an equal key are the same thing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityKey {
    /// The kind of entity.
    pub kind: EntityKind,
    /// Which of its identifiers.
    pub identifier: Identifier,
    /// The normalised value, e.g. `alice@contoso.com` or `10.0.0.5%corp-vnet`.
    pub value: String,
}

impl fmt::Display for EntityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.identifier.label(), self.value)
    }
}

/// Names that every Windows or Unix machine has; they say nothing about who acted.
const BUILT_IN_ACCOUNTS: [&str; 12] = [
    "admin",
    "administrator",
    "system",
    "local system",
    "localsystem",
    "root",
    "anonymous",
    "anonymous logon",
    "network service",
    "local service",
    "guest",
    "defaultaccount",
];

/// True for a generic built-in account name (compared without regard to case).
pub fn is_built_in_account(name: &str) -> bool {
    let name = trim(name);
    if name.is_ascii() {
        return BUILT_IN_ACCOUNTS
            .iter()
            .any(|built_in| built_in.eq_ignore_ascii_case(name));
    }
    BUILT_IN_ACCOUNTS.contains(&name.to_lowercase().as_str())
}

/// True for a SID that is the same on every machine (`S-1-5-18` is SYSTEM everywhere); only
/// domain SIDs (`S-1-5-21-…`) and Entra ID SIDs (`S-1-12-1-…`) name one principal.
pub fn is_built_in_sid(sid: &str) -> bool {
    let sid = trim(sid);
    !["S-1-5-21-", "S-1-12-1-"].iter().any(|prefix| {
        sid.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    })
}

/// Case-folds and trims a name compared case-insensitively (host names, domains, UPNs).
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    push_folded(&mut folded, text);
    folded
}

/// Appends `text` trimmed and case-folded.
fn push_folded(out: &mut String, text: &str) {
    push_lowercase(out, trim(text));
}

/// Appends `text` lower-cased; ASCII (nearly every name) is copied and lowered in place.
fn push_lowercase(out: &mut String, text: &str) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&text.to_lowercase());
    }
}

// The key writers below give up (`None`) at the first part that is missing; what they wrote
// until then is taken back by `KeyBuffer::add`.

/// Appends two parts joined, both required, case-folded: `first` `separator` `second`.
fn write_pair(
    text: &mut String,
    first: Option<&str>,
    separator: &str,
    second: Option<&str>,
) -> Option<()> {
    let (first, second) = (first?, second?);
    push_folded(text, first);
    text.push_str(separator);
    push_folded(text, second);
    Some(())
}

/// Appends a part case-folded, when it is there.
fn write_folded(text: &mut String, value: Option<&str>) -> Option<()> {
    push_folded(text, value?);
    Some(())
}

/// Appends a SID case-folded, when it names one principal.
fn write_sid(text: &mut String, sid: Option<&str>) -> Option<()> {
    write_folded(text, sid.filter(|sid| !is_built_in_sid(sid)))
}

/// Parses an address; an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is the IPv4 address.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let trimmed = trim(text).trim_start_matches('[').trim_end_matches(']');
    let address: IpAddr = trimmed.parse().ok()?;
    Some(match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    })
}

/// True for addresses that mean different machines on different networks (RFC 1918, loopback,
/// link-local, CGNAT, unique local): such an address identifies nothing without its scope.
pub fn is_private(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            let [first, second, ..] = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || (first == 100 && (64..128).contains(&second))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// Appends an absolute URL with its scheme and host lower-cased (paths stay as they are: they
/// are case-sensitive on most servers); `None`, having written nothing, for a relative or
/// malformed one.
fn push_normalized_url(url: &mut String, text: &str) -> Option<()> {
    let trimmed = trim(text);
    // The scheme ends at the first colon, which "//" must follow; a character search, where a
    // search for "://" would set up a substring searcher for every URL.
    let colon = trimmed.find(':')?;
    let (scheme, rest) = (&trimmed[..colon], trimmed[colon + 1..].strip_prefix("//")?);
    let scheme_ok = scheme.chars().next()?.is_ascii_alphabetic()
        && scheme
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || "+-.".contains(character));
    if !scheme_ok {
        return None;
    }
    let authority_end = rest
        .bytes()
        .position(|byte| matches!(byte, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let host_start = authority.rfind('@').map_or(0, |at| at + 1);
    let (user_info, host) = authority.split_at(host_start);
    if host.is_empty() {
        return None;
    }
    push_lowercase(url, scheme);
    url.push_str("://");
    url.push_str(user_info);
    push_lowercase(url, host);
    url.push_str(tail);
    Some(())
}

/// Hash algorithms Sentinel names, with the hex length of their digests.
const HASH_ALGORITHMS: [(&str, usize); 4] =
    [("MD5", 32), ("SHA1", 40), ("SHA256", 64), ("SHA256AC", 64)];

/// Appends a hash as `ALGORITHM:hex`, hex lower-cased; `None`, having written nothing, for an
/// unknown algorithm or a value that is not hex of the algorithm's length.
fn push_normalized_hash(key: &mut String, algorithm: &str, value: &str) -> Option<()> {
    let algorithm = trim(algorithm);
    let (name, length) = HASH_ALGORITHMS
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(algorithm))?;
    let value = trim(value);
    if value.len() != length || !value.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    key.push_str(name);
    key.push(':');
    push_lowercase(key, value);
    Some(())
}

/// Appends an address as `Display` writes it; IPv4, nearly every address, without the
/// formatting machinery.
fn push_address(text: &mut String, address: IpAddr) {
    match address {
        IpAddr::V4(v4) => {
            for (position, octet) in v4.octets().into_iter().enumerate() {
                if position > 0 {
                    text.push('.');
                }
                if octet >= 100 {
                    text.push(char::from(b'0' + octet / 100));
                }
                if octet >= 10 {
                    text.push(char::from(b'0' + octet / 10 % 10));
                }
                text.push(char::from(b'0' + octet % 10));
            }
        }
        IpAddr::V6(v6) => {
            use std::fmt::Write;
            // Writing into a String cannot fail.
            let _ = write!(text, "{v6}");
        }
    }
}

/// An alert's strong keys written into one reused text buffer and read back borrowed: the
/// correlation core normalises every key of every alert, and nearly all of them are interned
/// already, so an owned [`EntityKey`] each would be allocated only to be freed.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyBuffer {
    text: String,
    keys: Vec<(EntityKind, Identifier, Range<usize>)>,
}

/// A strong key read from a [`KeyBuffer`]: an [`EntityKey`] whose value is borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EntityKeyRef<'a> {
    /// The kind of entity.
    pub(crate) kind: EntityKind,
    /// Which of its identifiers.
    pub(crate) identifier: Identifier,
    /// The normalised value.
    pub(crate) value: &'a str,
}

impl EntityKeyRef<'_> {
    /// The key as an owned [`EntityKey`], for keeping.
    pub(crate) fn to_owned_key(self) -> EntityKey {
        EntityKey {
            kind: self.kind,
            identifier: self.identifier,
            value: self.value.to_owned(),
        }
    }
}

impl EntityKey {
    /// The key borrowed, to compare with keys read from a [`KeyBuffer`].
    pub(crate) fn as_key_ref(&self) -> EntityKeyRef<'_> {
        EntityKeyRef {
            kind: self.kind,
            identifier: self.identifier,
            value: &self.value,
        }
    }
}

impl KeyBuffer {
    /// Forgets every key, keeping the memory for the next alert.
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.keys.clear();
    }

    /// How many keys it holds.
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The keys, in the order written.
    pub(crate) fn keys(&self) -> impl ExactSizeIterator<Item = EntityKeyRef<'_>> {
        self.keys
            .iter()
            .map(|(kind, identifier, range)| EntityKeyRef {
                kind: *kind,
                identifier: *identifier,
                value: &self.text[range.clone()],
            })
    }

    /// Writes one key with `write`; keeps it when `write` says it is there, else takes back
    /// whatever `write` wrote.
    fn add(
        &mut self,
        kind: EntityKind,
        identifier: Identifier,
        write: &dyn Fn(&mut String) -> Option<()>,
    ) {
        let start = self.text.len();
        match write(&mut self.text) {
            Some(()) => self.keys.push((kind, identifier, start..self.text.len())),
            None => self.text.truncate(start),
        }
    }
}

/// An entity as an alert reports it: its kind and the properties Sentinel's entity schema gives
/// it (`HostName`, `UPNSuffix`, …), by their schema names. Kept whole for display; the strong
/// identifiers are derived from it on demand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntityProperties(Vec<(String, String)>);

impl EntityProperties {
    /// Properties from `(name, value)` pairs; blank values are dropped.
    pub fn new<N: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (N, V)>) -> Self {
        EntityProperties(
            pairs
                .into_iter()
                .map(|(name, value)| (name.into(), value.into()))
                .filter(|(_, value)| !trim(value).is_empty())
                .collect(),
        )
    }

    /// The value of a property, matched without regard to case (the two APIs disagree on it:
    /// `HostName` against `hostName`); the first one when the name is given twice.
    pub fn get(&self, name: &str) -> Option<&str> {
        let [value] = self.get_all([name]);
        value
    }

    /// The values of several properties in one pass, each matched as [`EntityProperties::get`]
    /// says: an entity's key writers read every name of its kind, and one pass over its few
    /// properties costs less than a search for each name.
    fn get_all<const N: usize>(&self, names: [&str; N]) -> [Option<&str>; N] {
        let mut found = [None; N];
        for (key, value) in &self.0 {
            if let Some(slot) = names.iter().position(|name| key.eq_ignore_ascii_case(name)) {
                found[slot].get_or_insert(value.as_str());
            }
        }
        found
    }

    /// Every property, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// Every property, in the order given, given up: what a record takes without copying.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.0
    }
}

/// An entity named by an alert. A process points at its host and a file at its hashes, as the
/// APIs' `$ref`s do; importers resolve those references into `related`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// What it is.
    pub kind: EntityKind,
    /// Its properties, by schema name.
    pub properties: EntityProperties,
    /// Entities it refers to: a process's host, a file's hashes.
    pub related: Vec<Entity>,
}

impl Entity {
    /// An entity with no references.
    pub fn new<N: Into<String>, V: Into<String>>(
        kind: EntityKind,
        properties: impl IntoIterator<Item = (N, V)>,
    ) -> Entity {
        Entity {
            kind,
            properties: EntityProperties::new(properties),
            related: Vec::new(),
        }
    }

    /// The same entity referring to `related` too.
    pub fn with_related(mut self, related: Entity) -> Entity {
        self.related.push(related);
        self
    }

    /// The values of its kind's properties, trimmed, read in one pass (see
    /// [`EntityProperties::get_all`]).
    fn property_values<const N: usize>(&self, names: [&str; N]) -> [Option<&str>; N] {
        self.properties.get_all(names).map(|value| value.map(trim))
    }

    /// Every strong identifier of this entity, normalised. Empty when it has none, in which case
    /// the entity is shown but never used to correlate.
    pub fn strong_keys(&self) -> Vec<EntityKey> {
        let mut buffer = KeyBuffer::default();
        self.write_strong_keys(&mut buffer);
        buffer.keys().map(EntityKeyRef::to_owned_key).collect()
    }

    /// Writes [`Entity::strong_keys`] into `buffer`, after what it holds: the correlation core
    /// gathers an alert's keys into one reused buffer and allocates only for keys it has never
    /// seen. Each kind reads its properties once, then writes each identifier from them.
    pub(crate) fn write_strong_keys(&self, buffer: &mut KeyBuffer) {
        let kind = self.kind;
        let mut add = |identifier: Identifier, write: &dyn Fn(&mut String) -> Option<()>| {
            buffer.add(kind, identifier, write);
        };
        match kind {
            EntityKind::Account => {
                let [
                    name,
                    upn_suffix,
                    nt_domain,
                    dns_domain,
                    aad_user_id,
                    sid,
                    object_guid,
                    puid,
                ] = self.property_values([
                    "Name",
                    "UPNSuffix",
                    "NTDomain",
                    "DnsDomain",
                    "AadUserId",
                    "Sid",
                    "ObjectGuid",
                    "PUID",
                ]);
                if name.is_some_and(|name| !is_built_in_account(name)) {
                    add(Identifier::Upn, &|text| {
                        write_pair(text, name, "@", upn_suffix)
                    });
                    add(Identifier::NtAccount, &|text| {
                        write_pair(text, nt_domain, "\\", name)
                    });
                    add(Identifier::DnsAccount, &|text| {
                        write_pair(text, name, "@", dns_domain)
                    });
                }
                add(Identifier::AadUserId, &|text| {
                    write_folded(text, aad_user_id)
                });
                add(Identifier::Sid, &|text| write_sid(text, sid));
                add(Identifier::ObjectGuid, &|text| {
                    write_folded(text, object_guid)
                });
                add(Identifier::Puid, &|text| write_folded(text, puid));
            }
            EntityKind::Host => {
                let [
                    host_name,
                    dns_domain,
                    nt_domain,
                    net_bios_name,
                    azure_id,
                    oms_agent_id,
                ] = self.property_values([
                    "HostName",
                    "DnsDomain",
                    "NTDomain",
                    "NetBiosName",
                    "AzureID",
                    "OMSAgentID",
                ]);
                add(Identifier::HostInNtDomain, &|text| {
                    write_pair(text, nt_domain, "\\", host_name)
                });
                add(Identifier::HostInDnsDomain, &|text| {
                    write_pair(text, host_name, ".", dns_domain)
                });
                add(Identifier::NetBiosInNtDomain, &|text| {
                    write_pair(text, nt_domain, "\\", net_bios_name)
                });
                add(Identifier::AzureId, &|text| write_folded(text, azure_id));
                add(Identifier::OmsAgentId, &|text| {
                    write_folded(text, oms_agent_id)
                });
            }
            EntityKind::Ip => {
                let [address, scope] = self.property_values(["Address", "AddressScope"]);
                if let Some(address) = address.and_then(parse_ip) {
                    if !is_private(address) {
                        add(Identifier::PublicAddress, &|text| {
                            push_address(text, address);
                            Some(())
                        });
                    } else {
                        add(Identifier::ScopedAddress, &|text| {
                            push_address(text, address);
                            text.push('%');
                            write_folded(text, scope)
                        });
                    }
                }
            }
            EntityKind::Url => {
                let [url] = self.property_values(["Url"]);
                add(Identifier::AbsoluteUrl, &|text| {
                    push_normalized_url(text, url?)
                });
            }
            EntityKind::File => {
                let [directory, name] = self.property_values(["Directory", "Name"]);
                add(Identifier::FileInDirectory, &|text| {
                    let start = text.len();
                    write_folded(text, directory)?;
                    let directory = text[start..].trim_end_matches(['\\', '/']).len();
                    text.truncate(start + directory);
                    text.push('\\');
                    write_folded(text, name)
                });
                // A file's hashes identify it only with its name: without one they are not read.
                if let Some(name) = name {
                    for hash in self.related_keys(EntityKind::FileHash) {
                        add(Identifier::FileWithHash, &|text| {
                            push_folded(text, name);
                            text.push('|');
                            text.push_str(&hash.value);
                            Some(())
                        });
                    }
                }
            }
            EntityKind::FileHash => {
                let [algorithm, value] = self.property_values(["Algorithm", "Value"]);
                add(Identifier::Hash, &|text| {
                    push_normalized_hash(text, algorithm?, value?)
                });
            }
            EntityKind::Process => {
                // The id and creation time as given: they are not names.
                let [process_id, created] = self.property_values(["ProcessId", "CreationTimeUtc"]);
                // Its host is read only when the process has both.
                if let (Some(process_id), Some(created)) = (process_id, created) {
                    for host in self.related_keys(EntityKind::Host) {
                        add(Identifier::ProcessOnHost, &|text| {
                            for part in [host.value.as_str(), "|", process_id, "|", created] {
                                text.push_str(part);
                            }
                            Some(())
                        });
                    }
                }
            }
            EntityKind::Mailbox => {
                self.write_folded_key(buffer, Identifier::MailboxAddress, "MailboxPrimaryAddress");
            }
            EntityKind::MailMessage => self.write_pair_key(
                buffer,
                Identifier::MessageToRecipient,
                ["NetworkMessageId", "Recipient"],
                "|",
            ),
            EntityKind::CloudApplication => {
                let [app_id, name] = self.property_values(["AppId", "Name"]);
                add(Identifier::AppId, &|text| write_folded(text, app_id));
                add(Identifier::AppName, &|text| write_folded(text, name));
            }
            EntityKind::AzureResource => {
                self.write_folded_key(buffer, Identifier::ResourceId, "ResourceId");
            }
            EntityKind::RegistryKey => {
                self.write_pair_key(buffer, Identifier::RegistryPath, ["Hive", "Key"], "\\");
            }
            EntityKind::DnsResolution => {
                let [domain_name, server, host_address] =
                    self.property_values(["DomainName", "DnsServerIp", "HostIpAddress"]);
                add(Identifier::DnsLookup, &|text| {
                    write_pair(text, domain_name, "|", server)?;
                    text.push('|');
                    write_folded(text, host_address)
                });
            }
            EntityKind::Malware => {
                self.write_pair_key(buffer, Identifier::MalwareFamily, ["Name", "Category"], "|");
            }
            EntityKind::SecurityGroup => {
                let [distinguished_name, object_guid, sid] =
                    self.property_values(["DistinguishedName", "ObjectGuid", "Sid"]);
                add(Identifier::DistinguishedName, &|text| {
                    write_folded(text, distinguished_name)
                });
                add(Identifier::ObjectGuid, &|text| {
                    write_folded(text, object_guid)
                });
                add(Identifier::Sid, &|text| write_sid(text, sid));
            }
        }
    }

    /// Writes the identifier that one property is, case-folded, when it is there.
    fn write_folded_key(&self, buffer: &mut KeyBuffer, identifier: Identifier, name: &str) {
        let [value] = self.property_values([name]);
        buffer.add(self.kind, identifier, &|text| write_folded(text, value));
    }

    /// Writes the identifier that two properties make together, joined by `separator` and
    /// case-folded, when both are there.
    fn write_pair_key(
        &self,
        buffer: &mut KeyBuffer,
        identifier: Identifier,
        names: [&str; 2],
        separator: &str,
    ) {
        let [first, second] = self.property_values(names);
        buffer.add(self.kind, identifier, &|text| {
            write_pair(text, first, separator, second)
        });
    }

    /// The first strong key of each related entity of a kind (a host's best identifier, each of
    /// a file's hashes).
    fn related_keys(&self, kind: EntityKind) -> Vec<EntityKey> {
        self.related
            .iter()
            .filter(|related| related.kind == kind)
            .filter_map(|related| related.strong_keys().into_iter().next())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What a `push_` normaliser appends after text already in its buffer, checking that it
    /// appends nothing when it refuses.
    fn appended(push: impl FnOnce(&mut String) -> Option<()>) -> Option<String> {
        let mut text = String::from("kept|");
        let result = push(&mut text);
        if result.is_none() {
            assert_eq!(text, "kept|", "a refused value left text behind");
        }
        result.map(|()| text["kept|".len()..].to_owned())
    }

    fn normalize_url(text: &str) -> Option<String> {
        appended(|buffer| push_normalized_url(buffer, text))
    }

    fn normalize_hash(algorithm: &str, value: &str) -> Option<String> {
        appended(|buffer| push_normalized_hash(buffer, algorithm, value))
    }

    fn keys(entity: &Entity) -> Vec<String> {
        entity
            .strong_keys()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn every_identifier_reads_back_from_its_label() {
        for identifier in Identifier::ALL {
            assert_eq!(Identifier::from_label(identifier.label()), Some(identifier));
        }
    }

    #[test]
    fn every_kind_reads_back_from_its_own_name_in_any_case() {
        for kind in EntityKind::ALL {
            let name = kind.as_str();
            assert_eq!(EntityKind::parse(name), Some(kind));
            assert_eq!(EntityKind::parse(&name.to_uppercase()), Some(kind));
        }
    }

    #[test]
    fn kinds_read_from_both_apis_spellings() {
        assert_eq!(EntityKind::parse("Account"), Some(EntityKind::Account));
        assert_eq!(EntityKind::parse("filehash"), Some(EntityKind::FileHash));
        assert_eq!(
            EntityKind::parse("mailMessage"),
            Some(EntityKind::MailMessage)
        );
        assert_eq!(EntityKind::parse("dns"), Some(EntityKind::DnsResolution));
        assert_eq!(
            EntityKind::parse("cloud-application"),
            Some(EntityKind::CloudApplication)
        );
        assert_eq!(
            EntityKind::parse("Security Group"),
            Some(EntityKind::SecurityGroup)
        );
        assert_eq!(EntityKind::parse("FILE_HASH"), Some(EntityKind::FileHash));
        assert_eq!(EntityKind::parse("spaceship"), None);
        // The whole name must match, not a part of it or more than it.
        assert_eq!(EntityKind::parse("accounts"), None);
        assert_eq!(EntityKind::parse("accoun"), None);
        assert_eq!(EntityKind::parse(""), None);
    }

    #[test]
    fn an_account_is_known_by_its_upn_whatever_the_case() {
        let lower = Entity::new(
            EntityKind::Account,
            [("Name", "alice"), ("UPNSuffix", "contoso.com")],
        );
        let upper = Entity::new(
            EntityKind::Account,
            [("name", "ALICE"), ("upnSuffix", "Contoso.COM")],
        );
        assert_eq!(lower.strong_keys(), upper.strong_keys());
        assert_eq!(keys(&lower), ["user principal name alice@contoso.com"]);
    }

    #[test]
    fn a_property_given_twice_is_read_from_its_first_whatever_the_case() {
        let host = Entity::new(
            EntityKind::Host,
            [
                ("hostName", "web01"),
                ("DnsDomain", "contoso.com"),
                ("HostName", "db02"),
                ("dnsdomain", "fabrikam.com"),
            ],
        );
        assert_eq!(host.properties.get("HostName"), Some("web01"));
        assert_eq!(keys(&host), ["fully qualified host name web01.contoso.com"]);
    }

    #[test]
    fn a_built_in_account_never_correlates_on_its_name() {
        for name in ["administrator", "SYSTEM", "root", "Network Service"] {
            let account = Entity::new(
                EntityKind::Account,
                [
                    ("Name", name),
                    ("NTDomain", "CONTOSO"),
                    ("UPNSuffix", "contoso.com"),
                ],
            );
            assert!(account.strong_keys().is_empty(), "{name} correlated");
        }
        let with_id = Entity::new(
            EntityKind::Account,
            [
                ("Name", "administrator"),
                ("AadUserId", "2046FEEA-040D-4A46-9E2B-91C2941BFA70"),
            ],
        );
        assert_eq!(
            keys(&with_id),
            ["Entra ID user id 2046feea-040d-4a46-9e2b-91c2941bfa70"]
        );
    }

    #[test]
    fn only_sids_of_one_principal_correlate() {
        let system = Entity::new(EntityKind::Account, [("Sid", "S-1-5-18")]);
        assert!(system.strong_keys().is_empty());
        let builtin_admins = Entity::new(EntityKind::Account, [("Sid", "S-1-5-32-544")]);
        assert!(builtin_admins.strong_keys().is_empty());
        let domain_user = Entity::new(
            EntityKind::Account,
            [("Sid", "S-1-5-21-1004336348-1177238915-682003330-512")],
        );
        assert_eq!(domain_user.strong_keys().len(), 1);
    }

    #[test]
    fn a_host_is_known_by_its_name_in_its_domain() {
        let a = Entity::new(
            EntityKind::Host,
            [("HostName", "WKS-042"), ("DnsDomain", "Corp.Contoso.com")],
        );
        let b = Entity::new(
            EntityKind::Host,
            [("HostName", "wks-042"), ("DnsDomain", "corp.contoso.com")],
        );
        assert_eq!(
            keys(&a),
            ["fully qualified host name wks-042.corp.contoso.com"]
        );
        assert_eq!(a.strong_keys(), b.strong_keys());
        let bare = Entity::new(EntityKind::Host, [("HostName", "wks-042")]);
        assert!(
            bare.strong_keys().is_empty(),
            "a bare host name is not unique"
        );
    }

    #[test]
    fn addresses_are_parsed_and_private_ones_need_a_scope() {
        let public = Entity::new(EntityKind::Ip, [("Address", "203.0.113.9")]);
        let mapped = Entity::new(EntityKind::Ip, [("Address", "::ffff:203.0.113.9")]);
        assert_eq!(keys(&public), ["public IP address 203.0.113.9"]);
        assert_eq!(public.strong_keys(), mapped.strong_keys());

        let v6 = Entity::new(EntityKind::Ip, [("Address", "2001:DB8::0:1")]);
        assert_eq!(keys(&v6), ["public IP address 2001:db8::1"]);

        let private = Entity::new(EntityKind::Ip, [("Address", "10.0.0.5")]);
        assert!(private.strong_keys().is_empty());
        let scoped = Entity::new(
            EntityKind::Ip,
            [("Address", "10.0.0.5"), ("AddressScope", "Corp-VNet")],
        );
        assert_eq!(
            keys(&scoped),
            ["private IP address in its scope 10.0.0.5%corp-vnet"]
        );

        let garbage = Entity::new(EntityKind::Ip, [("Address", "10.0.0.256")]);
        assert!(garbage.strong_keys().is_empty());
    }

    #[test]
    fn urls_fold_scheme_and_host_but_keep_the_path() {
        assert_eq!(
            normalize_url(" HTTPS://User@Evil.Example.COM:8443/Login?Next=/A#Top "),
            Some("https://User@evil.example.com:8443/Login?Next=/A#Top".into())
        );
        assert_eq!(normalize_url("/relative/path"), None);
        assert_eq!(normalize_url("https:///no-host"), None);
        assert_eq!(normalize_url("1http://x"), None);
    }

    #[test]
    fn hashes_are_lower_case_hex_of_the_right_length() {
        let upper = "D41D8CD98F00B204E9800998ECF8427E";
        assert_eq!(
            normalize_hash("md5", upper),
            Some("MD5:d41d8cd98f00b204e9800998ecf8427e".into())
        );
        assert_eq!(normalize_hash("MD5", &upper[1..]), None);
        assert_eq!(normalize_hash("CRC32", "deadbeef"), None);
        assert_eq!(normalize_hash("SHA1", &"z".repeat(40)), None);
    }

    #[test]
    fn a_file_is_known_by_its_path_or_its_name_and_hash() {
        let hash = Entity::new(
            EntityKind::FileHash,
            [("Algorithm", "SHA256"), ("Value", &*"AB".repeat(32))],
        );
        let file = Entity::new(
            EntityKind::File,
            [
                ("Name", "Invoice.EXE"),
                ("Directory", "C:\\Users\\Alice\\Downloads\\"),
            ],
        )
        .with_related(hash);
        assert_eq!(
            keys(&file),
            [
                "file path c:\\users\\alice\\downloads\\invoice.exe".to_owned(),
                format!("file with hash invoice.exe|SHA256:{}", "ab".repeat(32)),
            ]
        );
    }

    #[test]
    fn a_process_needs_its_host_to_be_identified() {
        let process = Entity::new(
            EntityKind::Process,
            [
                ("ProcessId", "4242"),
                ("CreationTimeUtc", "2026-11-20T08:00:00Z"),
            ],
        );
        assert!(process.strong_keys().is_empty());
        let host = Entity::new(
            EntityKind::Host,
            [("HostName", "wks-042"), ("NTDomain", "CONTOSO")],
        );
        assert_eq!(
            keys(&process.with_related(host)),
            ["process on host contoso\\wks-042|4242|2026-11-20T08:00:00Z"]
        );
    }

    #[test]
    fn kinds_known_by_one_or_two_properties_fold_them_into_one_key() {
        let cases = [
            (
                Entity::new(
                    EntityKind::Mailbox,
                    [("MailboxPrimaryAddress", " Alice@Contoso.com ")],
                ),
                "mailbox address alice@contoso.com",
            ),
            (
                Entity::new(
                    EntityKind::MailMessage,
                    [
                        ("NetworkMessageId", "AB-12"),
                        ("Recipient", "Bob@Contoso.com"),
                    ],
                ),
                "message to recipient ab-12|bob@contoso.com",
            ),
            (
                Entity::new(
                    EntityKind::AzureResource,
                    [("ResourceId", "/Subscriptions/S1/VM")],
                ),
                "resource id /subscriptions/s1/vm",
            ),
            (
                Entity::new(
                    EntityKind::RegistryKey,
                    [("Hive", "HKEY_LOCAL_MACHINE"), ("Key", "Software\\Run")],
                ),
                "registry key hkey_local_machine\\software\\run",
            ),
            (
                Entity::new(
                    EntityKind::Malware,
                    [("Name", "Emotet"), ("Category", "Trojan")],
                ),
                "malware emotet|trojan",
            ),
        ];
        for (entity, key) in cases {
            assert_eq!(keys(&entity), [key], "{:?}", entity.kind);
        }
        // A pair needs both its parts.
        let recipient_only =
            Entity::new(EntityKind::MailMessage, [("Recipient", "bob@contoso.com")]);
        assert!(recipient_only.strong_keys().is_empty());
    }

    #[test]
    fn entities_without_a_strong_identifier_have_no_keys() {
        assert!(
            Entity::new(EntityKind::Malware, [("Name", "Emotet")])
                .strong_keys()
                .is_empty()
        );
        assert!(
            Entity::new(EntityKind::Mailbox, [("DisplayName", "Alice")])
                .strong_keys()
                .is_empty()
        );
        assert!(
            Entity::new(EntityKind::Url, [("Url", "   ")])
                .strong_keys()
                .is_empty()
        );
    }

    proptest! {
        /// An IPv4 address and its IPv4-mapped IPv6 form are one address.
        #[test]
        fn mapped_addresses_equal_their_ipv4_form(octets in any::<[u8; 4]>()) {
            let v4 = std::net::Ipv4Addr::from(octets);
            prop_assert_eq!(parse_ip(&v4.to_ipv6_mapped().to_string()), Some(IpAddr::V4(v4)));
        }

        /// A public address's key reads as the address is commonly written, IPv4 and IPv6 alike.
        #[test]
        fn address_keys_read_as_the_address(octets in any::<[u8; 16]>(), v4 in any::<bool>()) {
            let address = if v4 {
                IpAddr::from([octets[0], octets[1], octets[2], octets[3]])
            } else {
                IpAddr::from(octets)
            };
            let mut text = String::from("kept|");
            push_address(&mut text, address);
            prop_assert_eq!(text, format!("kept|{address}"));
        }

        /// Host keys do not depend on the case the source system used.
        #[test]
        fn host_keys_ignore_case(name in "[a-zA-Z][a-zA-Z0-9-]{0,14}", domain in "[a-zA-Z]{1,10}\\.[a-zA-Z]{2,5}") {
            let as_given = Entity::new(EntityKind::Host, [("HostName", name.as_str()), ("DnsDomain", domain.as_str())]);
            let shouted = Entity::new(
                EntityKind::Host,
                [("HostName", name.to_uppercase()), ("DnsDomain", domain.to_uppercase())],
            );
            prop_assert_eq!(as_given.strong_keys(), shouted.strong_keys());
        }

        /// Normalising a URL twice changes nothing more.
        #[test]
        fn url_normalisation_is_idempotent(url in "[a-zA-Z]{1,6}://[a-zA-Z0-9.@:-]{1,20}(/[a-zA-Z0-9?#=/]{0,20})?") {
            if let Some(once) = normalize_url(&url) {
                prop_assert_eq!(normalize_url(&once), Some(once.clone()));
            }
        }
    }
}
