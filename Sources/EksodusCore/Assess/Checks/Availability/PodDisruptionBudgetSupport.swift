/// Which PodDisruptionBudgets cover which workloads.
enum PodDisruptionBudgets {
    struct Budget {
        var resource: Estate.Resource
        var selector: [String: String]
        var minAvailable: String?
        var maxUnavailable: String?
    }

    static func all(in estate: Estate) -> [Budget] {
        estate.resources(kind: "PodDisruptionBudget").map { resource in
            let spec = resource.body["spec"]
            return Budget(resource: resource, selector: spec?["selector", "matchLabels"]?.stringMap ?? [:],
                          minAvailable: spec?["minAvailable"]?.string, maxUnavailable: spec?["maxUnavailable"]?.string)
        }
    }

    static func covering(_ workload: Estate.Workload, in budgets: [Budget]) -> [Budget] {
        budgets.filter { covers($0, workload) }
    }

    static func covers(_ budget: Budget, _ workload: Estate.Workload) -> Bool {
        budget.resource.namespace == workload.namespace && workload.matches(budget.selector)
    }
}
