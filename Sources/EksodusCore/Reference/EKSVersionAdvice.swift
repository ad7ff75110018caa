/// Where an EKS version stands on a given day, and which version to recommend, from the calendar in `data/eks-versions.yaml`.
/// AWS bills extended support from 00:00 UTC on the end-of-standard date, so that day already counts as extended.
extension ReferenceData.EKSVersion {
    public enum Support: Equatable, Sendable {
        case notYetReleased
        case standard(daysLeft: Int)
        case extended(daysLeft: Int)
        case ended
    }

    public func support(on day: CalendarDay) -> Support {
        guard let released = CalendarDay(released), let endOfStandard = CalendarDay(endOfStandard),
              let endOfExtended = CalendarDay(endOfExtended) else { return .ended }
        if day < released { return .notYetReleased }
        if day < endOfStandard { return .standard(daysLeft: day.days(until: endOfStandard)) }
        if day < endOfExtended { return .extended(daysLeft: day.days(until: endOfExtended)) }
        return .ended
    }
}

extension ReferenceData {
    /// Below this many days of standard support left, a target version is a warning and is not recommended.
    public static let minimumStandardSupportDays = 90

    /// The version to create new clusters on: the newest released version with at least `minimumStandardSupportDays` of
    /// standard support left (AWS: "create your cluster with the latest available version"); failing that, the newest still
    /// in standard support; nil when the calendar knows none.
    public func recommendedEKSVersion(on day: CalendarDay) -> EKSVersion? {
        let inStandard = eksVersions.filter {
            if case .standard = $0.support(on: day) { return true }
            return false
        }.sorted { $0.version > $1.version }
        return inStandard.first {
            if case .standard(let left) = $0.support(on: day) { return left >= Self.minimumStandardSupportDays }
            return false
        } ?? inStandard.first
    }
}
