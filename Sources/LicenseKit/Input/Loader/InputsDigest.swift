import Crypto

/// Stage 7, digest: the inputs digest over every file read (docs/README.md §8).
extension LicenseRepoLoader {
    /// `sha256:<hex>` over (path, NUL, 64-bit big-endian byte count, bytes) in sorted path order.
    static func digest(_ inputs: [(String, [UInt8])]) -> String {
        var hasher = SHA256()
        for (path, bytes) in inputs.sorted(by: { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }) {
            hasher.update(data: Array(path.utf8))
            hasher.update(data: [0])
            let count = UInt64(bytes.count).bigEndian
            withUnsafeBytes(of: count) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
        let hex = hasher.finalize().map { byte -> String in
            let s = String(byte, radix: 16)
            return byte < 16 ? "0" + s : s
        }.joined()
        return "sha256:" + hex
    }
}
