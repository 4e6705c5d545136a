extension Array where Element == PlanEvent {
    /// Sorts the events in the order of ``PlanEvent/ordered(_:_:)`` (instant, then action order of
    /// SPEC §4.1, then code or serial), keeping events that tie in their current order: the same
    /// result as `sort(by: PlanEvent.ordered)`.
    ///
    /// Faster on the thousands of router events of a large tenant: each event's key is computed
    /// once (the action's rank is a linear search), and indices move instead of whole events.
    mutating func sortInPlanOrder() {
        guard count > 1 else { return }
        let keys = map { event in
            (at: event.at.secondsSinceEpoch, rank: event.action.rank, name: event.code?.canonical ?? event.serial ?? "")
        }
        var order = Array<Int>(indices)
        order.sort { i, j in
            let a = keys[i], b = keys[j]
            if a.at != b.at { return a.at < b.at }
            if a.rank != b.rank { return a.rank < b.rank }
            if a.name != b.name { return a.name < b.name }
            return i < j
        }
        self = order.map { self[$0] }
    }
}
