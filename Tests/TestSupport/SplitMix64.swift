/// Steele, Lea and Flood's SplitMix64: a tiny, fast, seedable generator. The benchmark uses it so
/// that the same `--seed` gives byte-identical repos on every machine and Swift version
/// (`SystemRandomNumberGenerator` is neither seedable nor stable).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's 64-bit state, advanced by every ``next()``.
    public private(set) var state: UInt64

    /// A generator whose first output follows from `seed` alone (the reference algorithm).
    public init(seed: UInt64) {
        state = seed
    }

    /// A generator for one item (a tenant) of a seeded run, independent of how many items there
    /// are: tenant 7 of a 20-tenant repo is byte-identical to tenant 7 of a 10,000-tenant repo.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<bound` (modulo bias is irrelevant at these bounds).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next() % UInt64(bound))
    }

    /// Uniform in `range`.
    public mutating func within(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    /// True with probability `percent`/100.
    public mutating func percent(_ percent: Int) -> Bool {
        below(100) < percent
    }
}

/// A bijection on 48-bit integers (odd multiplications and xor-shifts modulo 2^48), so that
/// identifiers derived from distinct indices are distinct yet look random.
public func scramble48(_ value: UInt64, key: UInt64) -> UInt64 {
    let mask: UInt64 = (1 << 48) - 1
    var x = (value ^ key) & mask
    x = (x &* 0x9E37_79B9_7F4B) & mask
    x ^= x >> 23
    x = (x &* 0xC2B2_AE3D_27D5) & mask
    x ^= x >> 19
    x = (x &* 0x1656_67B1_9E37) & mask
    x ^= x >> 21
    return x
}
