/// What `licensectl init` refuses (docs/cli.md §6 `init`), as ``TenantInit`` reports it before
/// it writes anything. Each case renders its message; `option` is the command-line option.
enum InitError: Error, Sendable, Equatable {
    /// A tenant name that is not a DNS label.
    case nameNotDNSLabel(name: String)
    /// `--contact` that is not one mailbox.
    case contactNotEmail(contact: String)
    /// `--label` with an empty key.
    case labelWithoutKey(value: String)
    /// `--label` whose key or value holds a control character (a line break would end the
    /// header comment and the YAML line `init` writes); `codePoint` is `U+000A`.
    case labelWithControlCharacter(key: String, codePoint: String)
    /// `--device-column` without `--devices`.
    case deviceColumnWithoutDevices
    /// `-C` that does not exist.
    case rootNotFound(root: String)
    /// `--tenants` outside the repo root.
    case tenantsOutsideRoot(directory: String)
    /// A manifest of that name exists already (`shown` repo-relative).
    case manifestExists(shown: String)
    /// The manifest could not be written.
    case cannotWrite(path: String, problem: String)
    /// A column mapped twice.
    case columnGivenTwice(option: String, column: String)
    /// A column mapped to an empty header name.
    case emptyHeader(option: String, column: String, header: String)
    /// A column the file kind does not have; `hint` is ` (did you mean 'x'?)` or empty.
    case unknownColumn(option: String, column: String, hint: String, known: String)
    /// A path that is not a regular file.
    case notARegularFile(option: String, path: String)
    /// A path outside the repo root.
    case fileOutsideRoot(option: String, path: String)
    /// A path that does not exist (`lookedFor` relative to the repo root).
    case fileNotFound(option: String, path: String, lookedFor: String)

    /// The diagnostic's message: what was found, what was expected, how to fix it.
    var message: String {
        switch self {
        case .nameNotDNSLabel(let name):
            "tenant name '\(name)' is not a DNS label; expected \(ScalarKind.dnsLabel.expectation), e.g. acme-water"
                + ManifestDecoder.dnsLabelHint(name)
        case .contactNotEmail(let contact):
            "--contact '\(contact)': expected one e-mail address such as ops@example.com"
                + (ManifestDecoder.emailLengthProblem(contact).map { " (\(Self.lengthReason($0)))" } ?? "")
        case .labelWithoutKey(let value):
            "--label '=\(value)': expected KEY=VALUE with a non-empty key"
        case .labelWithControlCharacter(let key, let codePoint):
            "--label for key '\(key)': holds the control character \(codePoint); expected one line of text: remove the line break or tab"
        case .deviceColumnWithoutDevices:
            "--device-column needs --devices FILE"
        case .rootNotFound(let root):
            "repository root '\(root)' not found"
        case .tenantsOutsideRoot(let directory):
            "--tenants '\(directory)' lies outside the repository root; manifests live inside the license repo"
        case .manifestExists(let shown):
            "\(shown) already exists; init writes only new tenants (edit that manifest, or choose another name)"
        case .cannotWrite(let path, let problem):
            "cannot write \(path): \(problem)"
        case .columnGivenTwice(let option, let column):
            "\(option) \(column) is given twice; give each column once"
        case .emptyHeader(let option, let column, let header):
            "\(option) \(column)='\(header)': expected the file's header name for this column"
        case .unknownColumn(let option, let column, let hint, let known):
            "\(option) \(column)=…: unknown column\(hint); expected one of: \(known)"
        case .notARegularFile(let option, let path):
            "\(option) '\(path)' is not a regular file; expected a CSV file"
        case .fileOutsideRoot(let option, let path):
            "\(option) '\(path)' lies outside the repository root; copy the file into the license repo (e.g. fixtures/) first"
        case .fileNotFound(let option, let path, let lookedFor):
            "\(option) '\(path)' not found (looked for '\(lookedFor)' in the repository root)"
        }
    }

    /// `the local part has 65 octets, more than the 64 that RFC 5321 allows`, for a contact beyond its limits.
    private static func lengthReason(_ problem: ManifestError) -> String {
        guard case .contactTooLong(_, let part, let octets, let limit) = problem else { return problem.message }
        return "the \(part) has \(octets) octets, more than the \(limit) that RFC 5321 allows"
    }
}
