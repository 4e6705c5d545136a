#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `licensectl init`: writes the manifest of a tenant that already runs in the platform, from
/// its license list (a sales CSV with `activated_at`/`expires_at`, docs/formats.md §3.2, docs/rules.md §4.8) and its device
/// list (docs/formats.md §3.3), so that a running fleet is brought in by one loop and one plan.
///
/// The license list is referenced as an import (its activation and expiry dates stay in the
/// CSV, the single source), the device list as `devices`. Nothing is overwritten: an existing
/// `tenants/<name>.yaml` (or `.yml`) is an error, and the file is created with `O_EXCL`.
public enum TenantInit {
    /// What to write.
    public struct Request: Sendable {
        /// The tenant name: a DNS label (docs/formats.md §3.1).
        public var name: String
        /// The repo root (`-C`).
        public var root: String
        /// The manifests' folder, relative to `root` (`--tenants`).
        public var tenantsDirectory: String
        /// The license list CSV, relative to `root` (or absolute), inside the repo.
        public var licenses: String
        /// The device list CSV, relative to `root` (or absolute), inside the repo; optional.
        public var devices: String?
        /// Reminder recipients, each one mailbox.
        public var contacts: [String]
        /// `metadata.labels`, in the order given.
        public var labels: [(key: String, value: String)]
        /// The license list's own header names (`imports[].columns`, docs/formats.md §3.2): column → header.
        public var licenseColumns: [(column: String, header: String)]
        /// The device list's own header names (`devices.columns`, docs/formats.md §3.3): column → header.
        public var deviceColumns: [(column: String, header: String)]

        /// A request for `licensectl init` (docs/cli.md §6 `init`).
        public init(
            name: String, root: String, tenantsDirectory: String = "tenants", licenses: String,
            devices: String? = nil, contacts: [String] = [], labels: [(key: String, value: String)] = [],
            licenseColumns: [(column: String, header: String)] = [],
            deviceColumns: [(column: String, header: String)] = []
        ) {
            self.licenseColumns = licenseColumns
            self.deviceColumns = deviceColumns
            self.name = name
            self.root = root
            self.tenantsDirectory = tenantsDirectory
            self.licenses = licenses
            self.devices = devices
            self.contacts = contacts
            self.labels = labels
        }
    }

    /// What was written.
    public struct Outcome: Sendable {
        /// The manifest's path relative to the repo root, e.g. `tenants/acme-water.yaml`.
        public var path: String
        /// The manifest's text as written.
        public var text: String
        /// Codes in the license list.
        public var licenses: Int
        /// Of those, codes with `activated_at` (adopted by the next apply, docs/rules.md §4.8).
        public var running: Int
        /// Routers in the device list.
        public var routers: Int
        /// Warnings found while reading the CSV files.
        public var warnings: [Diagnostic]
    }

    /// Checks the request, reads both CSV files and writes the manifest.
    ///
    /// - Returns: the outcome, or `nil` with every problem in `diagnostics` (nothing written):
    ///   a name that is not a DNS label, a contact that is not one mailbox, an empty label key,
    ///   a file that is missing or outside the repo, a CSV with errors, an existing manifest of
    ///   that name, or a failed write.
    public static func run(_ request: Request, diagnostics: DiagnosticsEngine) -> Outcome? {
        let errorsBefore = diagnostics.emitted.errorCount
        if !ManifestDecoder.isDNSLabel(request.name) {
            diagnostics.emit(
                .error(InitError.nameNotDNSLabel(name: request.name).message))
        }
        for contact in request.contacts where !ManifestDecoder.isEmail(contact) {
            diagnostics.emit(.error(InitError.contactNotEmail(contact: contact).message))
        }
        for label in request.labels where label.key.isEmpty {
            diagnostics.emit(.error(InitError.labelWithoutKey(value: label.value).message))
        }
        for label in request.labels {
            let control = (label.key + label.value).unicodeScalars.first { $0.properties.generalCategory == .control }
            guard let control else { continue }
            let key = String(label.key.unicodeScalars.filter { $0.properties.generalCategory != .control })
            let codePoint =
                "U+" + String(repeating: "0", count: max(0, 4 - String(control.value, radix: 16).count))
                + String(control.value, radix: 16, uppercase: true)
            diagnostics.emit(.error(InitError.labelWithControlCharacter(key: key, codePoint: codePoint).message))
        }
        let licenseMapping = mapping(
            request.licenseColumns, ManifestSchema.salesColumns, option: "--column",
            diagnostics: diagnostics)
        let deviceMapping = mapping(
            request.deviceColumns, ManifestSchema.deviceColumns, option: "--device-column",
            diagnostics: diagnostics)
        if !request.deviceColumns.isEmpty, request.devices == nil {
            diagnostics.emit(.error(InitError.deviceColumnWithoutDevices.message))
        }
        guard let paths = RepoPaths(root: request.root) else {
            diagnostics.emit(.error(InitError.rootNotFound(root: request.root).message))
            return nil
        }
        let tenantsFolder = RepoPaths.normalize(
            request.tenantsDirectory.hasPrefix("/")
                ? request.tenantsDirectory : paths.root + "/" + request.tenantsDirectory)
        guard let tenantsRelative = paths.relative(tenantsFolder) else {
            diagnostics.emit(
                .error(InitError.tenantsOutsideRoot(directory: request.tenantsDirectory).message))
            return nil
        }
        let licenses = resolve(request.licenses, option: "--licenses", paths: paths, diagnostics: diagnostics)
        let devices = request.devices.flatMap {
            resolve($0, option: "--devices", paths: paths, diagnostics: diagnostics)
        }

        // The CSV files as `plan` will read them: an error now is an error there.
        let engine = DiagnosticsEngine()
        var records: [SalesCodeRecord] = []
        var routers: [DeviceRecord] = []
        if let licenses, let bytes = LicenseRepoLoader.readBytes(licenses.absolute) {
            var rejected = Set<ActivationCode>()
            records = SalesCSVReader.read(
                bytes, path: licenses.relative, mapping: licenseMapping, diagnostics: engine,
                rejected: &rejected)
        }
        if let devices, let bytes = LicenseRepoLoader.readBytes(devices.absolute) {
            routers = DeviceListReader.read(bytes, path: devices.relative, mapping: deviceMapping, diagnostics: engine)
        }
        let found = engine.diagnostics
        diagnostics.emit(contentsOf: found.filter { $0.severity == .error })

        let name = request.name
        let relative = (tenantsRelative == "." ? "" : tenantsRelative + "/") + name + ".yaml"
        for ext in ["yaml", "yml"] {
            let existing = tenantsFolder + "/" + name + "." + ext
            if access(existing, F_OK) == 0 {
                let shown = (tenantsRelative == "." ? "" : tenantsRelative + "/") + name + "." + ext
                diagnostics.emit(
                    .error(InitError.manifestExists(shown: shown).message))
            }
        }
        guard diagnostics.emitted.errorCount == errorsBefore, let licenses else { return nil }

        let text = manifest(
            name: name, labels: request.labels, contacts: request.contacts,
            licenses: relativePath(from: tenantsFolder, to: licenses.absolute),
            devices: devices.map { relativePath(from: tenantsFolder, to: $0.absolute) },
            licenseColumns: request.licenseColumns, deviceColumns: request.deviceColumns,
            command: commandLine(request))
        if let problem = createExclusively(tenantsFolder + "/" + name + ".yaml", text: text) {
            diagnostics.emit(.error(InitError.cannotWrite(path: relative, problem: "\(problem)").message))
            return nil
        }
        return Outcome(
            path: relative, text: text, licenses: records.count,
            running: records.filter { $0.activatedAt != nil }.count, routers: routers.count,
            warnings: found.filter { $0.severity == .warning })
    }

    /// The manifest's text: values quoted as JSON strings (valid YAML, never retyped).
    static func manifest(
        name: String, labels: [(key: String, value: String)], contacts: [String],
        licenses: String, devices: String?, licenseColumns: [(column: String, header: String)] = [],
        deviceColumns: [(column: String, header: String)] = [], command: String
    ) -> String {
        func q(_ s: String) -> String { OrderedJSON.quote(s) }
        var lines = [
            "# Written by `\(command)`: a tenant already running in the platform.",
            "# Codes with activated_at in the CSV are adopted with the platform's dates; the others are redeemed as available.",
            "apiVersion: \(ManifestSchema.apiVersion)",
            "kind: \(ManifestSchema.kind)",
            "metadata:",
            "  name: \(name)",
        ]
        if !labels.isEmpty {
            lines.append("  labels:")
            for label in labels { lines.append("    \(q(label.key)): \(q(label.value))") }
        }
        lines.append("spec:")
        if !contacts.isEmpty {
            lines.append("  contacts:")
            for contact in contacts { lines.append("    - \(q(contact))") }
        }
        lines.append("  imports:")
        lines.append("    - file: \(q(licenses))")
        if !licenseColumns.isEmpty {
            lines.append("      columns:")
            for entry in licenseColumns { lines.append("        \(entry.column): \(q(entry.header))") }
        }
        if let devices {
            if deviceColumns.isEmpty {
                lines.append("  devices: \(q(devices))")
            } else {
                lines.append("  devices:")
                lines.append("    file: \(q(devices))")
                lines.append("    columns:")
                for entry in deviceColumns { lines.append("      \(entry.column): \(q(entry.header))") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `--column COLUMN=HEADER` pairs as a ``ColumnMapping``; a column the schema does not know,
    /// a column given twice or an empty header is an error.
    private static func mapping(
        _ pairs: [(column: String, header: String)], _ schema: ObjectSchema, option: String,
        diagnostics: DiagnosticsEngine
    ) -> ColumnMapping? {
        guard !pairs.isEmpty else { return nil }
        var mapping = ColumnMapping()
        mapping.option = option
        // No manifest place yet: a missing header is reported at the CSV's header line.
        let place = SourceLocation(file: "", line: 0)
        for field in schema.fields {
            let given = pairs.filter { $0.column == field.key }
            if given.count > 1 {
                diagnostics.emit(.error(InitError.columnGivenTwice(option: option, column: field.key).message))
            }
            guard let pair = given.first else { continue }
            guard !CSVTable.squash(pair.header).isEmpty else {
                diagnostics.emit(
                    .error(InitError.emptyHeader(option: option, column: field.key, header: pair.header).message))
                continue
            }
            mapping.entries.append(ColumnMapping.Entry(column: field.key, header: pair.header, location: place))
        }
        for pair in pairs where schema.index(of: pair.column) == nil {
            let known = schema.fields.map(\.key).joined(separator: ", ")
            let hint =
                ManifestDecoder.suggestion(for: pair.column, among: schema.fields.map(\.key)).map {
                    " (did you mean '\($0)'?)"
                } ?? ""
            diagnostics.emit(
                .error(InitError.unknownColumn(option: option, column: pair.column, hint: hint, known: known).message))
        }
        return mapping
    }

    /// The command that writes this file again (run from the repo root): every option given,
    /// each value shell-quoted when it needs to be.
    static func commandLine(_ request: Request) -> String {
        var parts = ["licensectl", "init", shellQuoted(request.name), "--licenses", shellQuoted(request.licenses)]
        if let devices = request.devices { parts += ["--devices", shellQuoted(devices)] }
        if request.tenantsDirectory != "tenants" { parts += ["--tenants", shellQuoted(request.tenantsDirectory)] }
        for contact in request.contacts { parts += ["--contact", shellQuoted(contact)] }
        for label in request.labels { parts += ["--label", shellQuoted(label.key + "=" + label.value)] }
        for entry in request.licenseColumns { parts += ["--column", shellQuoted(entry.column + "=" + entry.header)] }
        for entry in request.deviceColumns {
            parts += ["--device-column", shellQuoted(entry.column + "=" + entry.header)]
        }
        return parts.joined(separator: " ")
    }

    /// `text` as one POSIX shell word: unchanged when it holds only `A-Z a-z 0-9 @ % + = : , . / _ -`,
    /// else in single quotes (a `'` inside written `'\''`).
    static func shellQuoted(_ text: String) -> String {
        let plain =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy { c in
                c.isASCII
                    && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "@%+=:,./_-".unicodeScalars.contains(c))
            }
        return plain
            ? text : "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    private static func resolve(
        _ path: String, option: String, paths: RepoPaths,
        diagnostics: DiagnosticsEngine
    ) -> ResolvedFile? {
        switch paths.resolve(path, from: paths.root) {
        case .inside(let absolute, let relative):
            var info = stat()
            guard stat(absolute, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
                diagnostics.emit(.error(InitError.notARegularFile(option: option, path: path).message))
                return nil
            }
            return ResolvedFile(absolute: absolute, relative: relative)
        case .outside:
            diagnostics.emit(
                .error(InitError.fileOutsideRoot(option: option, path: path).message))
        case .missing(let relative):
            diagnostics.emit(
                .error(InitError.fileNotFound(option: option, path: path, lookedFor: relative).message))
        }
        return nil
    }

    /// `to` relative to the folder `from` (both absolute, normalized), e.g. `../fixtures/a.csv`.
    static func relativePath(from: String, to: String) -> String {
        let a = from.split(separator: "/")
        let b = to.split(separator: "/")
        var common = 0
        while common < a.count, common < b.count, a[common] == b[common] { common += 1 }
        let ups = Array(repeating: "..", count: a.count - common)
        return (ups + b[common...].map(String.init)).joined(separator: "/")
    }

    /// Creates `path` (and its folder) with `O_EXCL`; the reason on failure.
    private static func createExclusively(_ path: String, text: String) -> String? {
        var folder = ""
        for part in path.split(separator: "/").dropLast() {
            folder += "/" + part
            if mkdir(folder, 0o755) != 0, errno != EEXIST { return String(cString: strerror(errno)) }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            return errno == EEXIST ? "it already exists" : String(cString: strerror(errno))
        }
        var failure: String?
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let n = write(fd, base + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += n
            }
        }
        if fsync(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if failure != nil { unlink(path) }
        return failure
    }
}
