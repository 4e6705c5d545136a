import Foundation

/// Stage 4, CSV: every sales CSV and device list the manifests name, each read once per column
/// mapping (docs/formats.md §3.2, §3.3).
extension LicenseRepoLoader {
    /// What stage 4 read: records by reading key (``csvReadingKey(_:_:)``: file and column
    /// mapping), and each file's bytes for the inputs digest.
    struct CSVRecords: Sendable {
        var sales: [String: [SalesCodeRecord]] = [:]
        /// Codes of sales rows skipped for a bad value, by reading key.
        var rejectedCodes: [String: Set<ActivationCode>] = [:]
        var devices: [String: [DeviceRecord]] = [:]
        /// (repo-relative path, bytes) of every CSV file read, once per file.
        var digestInputs: [(String, [UInt8])] = []
    }

    /// Stage 4: every sales CSV and device list the manifests' drafts name, each read once per
    /// column mapping even when several manifests name it, in parallel. A file that cannot be
    /// read is one error, at its first use; the readers' row errors go to `diagnostics`.
    static func readCSVFiles(of manifests: [ParsedManifest], diagnostics: DiagnosticsEngine) -> CSVRecords {
        var csvFiles: [String: CSVJob] = [:]
        for manifest in manifests {
            for draft in manifest.drafts {
                for entry in draft.imports {
                    guard let file = entry.file else { continue }
                    csvFiles[
                        csvReadingKey(file, entry.columns),
                        default: CSVJob(file: file, firstUse: entry.location, mapping: entry.columns)
                    ].sales = true
                }
                if let file = draft.devices {
                    csvFiles[
                        csvReadingKey(file, draft.devicesColumns),
                        default: CSVJob(
                            file: file, firstUse: draft.devicesLocation ?? draft.nameLocation,
                            mapping: draft.devicesColumns)
                    ].devices = true
                }
            }
        }
        let jobs = csvFiles.sorted { $0.key < $1.key }
        let csvResults = jobs.concurrentMap { readCSV($0.value, diagnostics: diagnostics) }
        var records = CSVRecords()
        var digested = Set<String>()
        for ((key, job), result) in zip(jobs, csvResults) {
            // A file read under two column mappings is one input of the digest (docs/README.md §8).
            if let bytes = result.bytes, digested.insert(job.file.relative).inserted {
                records.digestInputs.append((job.file.relative, bytes))
            }
            if let problem = result.problem, digested.insert("\u{0}unreadable:" + job.file.relative).inserted {
                diagnostics.emit(problem)
            }
            if job.sales { records.sales[key] = result.sales }
            if !result.rejectedCodes.isEmpty { records.rejectedCodes[key] = result.rejectedCodes }
            if job.devices { records.devices[key] = result.devices }
        }
        return records
    }

    struct CSVJob: Sendable {
        var file: ResolvedFile
        var firstUse: SourceLocation
        /// The manifest's `columns` for this reading (docs/formats.md §3.2, docs/README.md §8).
        var mapping: ColumnMapping?
        var sales = false
        var devices = false
    }

    struct CSVResult: Sendable {
        var bytes: [UInt8]?
        var problem: Diagnostic?
        var sales: [SalesCodeRecord] = []
        /// Codes of sales rows skipped for a bad value.
        var rejectedCodes: Set<ActivationCode> = []
        var devices: [DeviceRecord] = []
    }

    static func readCSV(_ job: CSVJob, diagnostics: DiagnosticsEngine) -> CSVResult {
        guard let bytes = readBytes(job.file.absolute) else {
            return CSVResult(
                bytes: nil,
                problem: .error(
                    RepoError.unreadableFile(path: job.file.relative, reason: unreadableReason(job.file.absolute))
                        .message,
                    at: job.firstUse))
        }
        var result = CSVResult(bytes: bytes)
        if job.sales {
            result.sales = SalesCSVReader.read(
                bytes, path: job.file.relative, mapping: job.mapping,
                diagnostics: diagnostics, rejected: &result.rejectedCodes)
        }
        if job.devices {
            result.devices = DeviceListReader.read(
                bytes, path: job.file.relative, mapping: job.mapping,
                diagnostics: diagnostics)
        }
        return result
    }
}
