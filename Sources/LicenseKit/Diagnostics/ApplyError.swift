/// What the apply workflow (``ApplySession``, docs/cli.md §6 `apply`) says besides the plan and
/// the backends' errors: its warnings, and the closing line of an apply that wrote nothing
/// (``ApplyFailure/note``). Each case renders its message.
enum ApplyError: Error, Sendable, Equatable {
    /// A warning: the apply's `at` (`apply --at`, a plan file's) lies after the current time.
    case atInTheFuture(Instant)
    /// A warning of `plan` and `apply`: an interrupted apply's intent is pending in state; the
    /// plan already counts it as state.
    case interruptedApplyPending
    /// The closing line: the person did not confirm.
    case cancelled
    /// The closing line: the plan has `errors` errors.
    case refusedWithErrors(Int)
    /// The closing line: the plan file is stale.
    case refusedAsStale

    /// The message, or the closing line.
    var message: String {
        switch self {
        case .atInTheFuture(let at):
            "applying at \(at), later than the current time: until then, plans without --at are refused (--at earlier than appliedAt)"
        case .interruptedApplyPending:
            "an apply was interrupted; its intent is pending and the next apply completes it first (this plan already counts it as state): run apply before committing state/"
        case .cancelled:
            "Apply cancelled; nothing was written."
        case .refusedWithErrors(let errors):
            "Apply refused: \(errors) error(s); nothing was written."
        case .refusedAsStale:
            "Apply refused; nothing was written. Run plan again."
        }
    }
}
