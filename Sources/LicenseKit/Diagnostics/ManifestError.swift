/// What is wrong with a Tenant manifest's structure or values (docs/formats.md §3.1), as
/// ``ManifestDecoder`` reports it at the offending node. Each case renders its message; `key` is
/// the manifest key the value belongs to, `found` what the file holds there.
enum ManifestError: Error, Sendable, Equatable {
    /// The document is not a mapping.
    case notATenant(found: String)
    /// An entry of `imports`, `licenses` or `routers` is not a mapping.
    case entryNotMapping(key: String, found: String)
    /// A value of the wrong kind (a sequence where a scalar belongs, …); `expected` says what
    /// belongs there (``Shape/expectation``).
    case wrongKind(key: String, expected: String, found: String)
    /// A scalar that is not what the key takes (a constant, a DNS label, an e-mail address, a
    /// header name, a date).
    case invalidValue(key: String, expected: String, text: String)
    /// ``invalidValue(key:expected:text:)`` with a hint that names the offending character
    /// (`; character 5 is U+200B …`).
    case invalidValueWithHint(key: String, expected: String, text: String, hint: String)
    /// `contacts`: a mailbox beyond RFC 5321's limits; `part` is `local part` (64 octets) or
    /// `address` (254).
    case contactTooLong(address: String, part: String, octets: Int, limit: Int)
    /// `contacts`: an address listed again (a warning; reminders go to it once).
    case repeatedContact(address: String, firstLine: Int)
    /// `code`: not an activation code.
    case invalidCode(ActivationCodeError)
    /// A scalar whose parser refused it (an activation code, a term, an instant …).
    case unparsable(key: String, ValueParseError)
    /// `renew` and other booleans: only plain `true` and `false`; `hint` says what to write
    /// for a YAML 1.1 spelling (`yes`, `"true"`).
    case notBoolean(key: String, text: String, hint: String?)
    /// A mapping key that is not a scalar.
    case keyNotString(found: String)
    /// A key the mapping does not have, with the closest key within edit distance 2.
    case unknownKey(String, suggestion: String)
    /// A key the mapping does not have and nothing close to it.
    case unknownKeyIn(String, mapping: String, keys: [String])
    /// A required key given without a value (null).
    case missingValue(key: String, expected: String)
    /// A required key that is not there.
    case missingKey(String, mapping: String)
    /// `labels`: a key that is not a scalar.
    case labelKeyNotString(key: String, found: String)
    /// `labels`: a value that is not a string.
    case labelValueNotString(key: String, label: String, found: String)
    /// A path that leaves the repo root, directly or through a symlink.
    case outsideRoot(key: String, path: String, viaSymlink: Bool)
    /// A path to a file that does not exist (`lookedFor` relative to the repo root).
    case fileNotFound(key: String, path: String, lookedFor: String)

    /// The diagnostic's message: what was found, what was expected, how to fix it.
    var message: String {
        switch self {
        case .notATenant(let found):
            "expected a Tenant manifest (a mapping), found \(found)"
        case .entryNotMapping(let key, let found):
            "\(key): expected each entry to be a mapping, found \(found)"
        case .wrongKind(let key, let expected, let found):
            "\(key): expected \(expected), found \(found)"
        case .invalidValue(let key, let expected, let text):
            "\(key): expected \(expected), found '\(text)'"
        case .invalidValueWithHint(let key, let expected, let text, let hint):
            "\(key): expected \(expected), found '\(text)'\(hint)"
        case .contactTooLong(let address, let part, let octets, let limit):
            "contacts: the \(part) of '\(address)' has \(octets) octets, more than the \(limit) that RFC 5321 allows; expected one mailbox local@domain (local part at most 64 octets, address at most 254): shorten it or use another address"
        case .repeatedContact(let address, let firstLine):
            "contacts: '\(address)' is listed again (first on line \(firstLine)); reminders go to each address once: remove the repeat"
        case .invalidCode(let error):
            "code: \(error.message)"
        case .unparsable(let key, let error):
            "\(key): \(error.message)"
        case .notBoolean(let key, let text, let hint):
            "\(key): expected true or false, found '\(text)'" + (hint.map { "; \($0)" } ?? "")
        case .keyNotString(let found):
            "expected a key string, found \(found)"
        case .unknownKey(let name, let suggestion):
            "unknown key '\(name)' (did you mean '\(suggestion)'?)"
        case .unknownKeyIn(let name, let mapping, let keys):
            "unknown key '\(name)' in \(mapping); expected one of: " + keys.joined(separator: ", ")
        case .missingValue(let key, let expected):
            "\(key): expected \(expected), found nothing"
        case .missingKey(let key, let mapping):
            "missing required key '\(key)' in \(mapping)"
        case .labelKeyNotString(let key, let found):
            "\(key): expected a key string, found \(found)"
        case .labelValueNotString(let key, let label, let found):
            "\(key): value of '\(label)' must be a string, found \(found)"
        case .outsideRoot(let key, let path, let viaSymlink):
            viaSymlink
                ? "\(key): '\(path)' resolves through a symlink to a place outside the repository root; files must be inside the license repo"
                : "\(key): '\(path)' lies outside the repository root; files must be inside the license repo"
        case .fileNotFound(let key, let path, let lookedFor):
            "\(key): file '\(path)' not found (looked for '\(lookedFor)')"
        }
    }
}
