/// A controller whose release the assessment found outside the target's supported range (PLT007): its deploy waits for a
/// decision item that fails until the converted file names only supported releases of it, so the runbook never applies
/// cert-manager 1.9 to EKS 1.33 as it ran. The team may instead install a supported release with its Helm chart and skip the
/// item with a note; either way the choice is recorded.
enum ControllerReleaseDecision {
    /// By workload id: the controller and the releases that support the target, for each workload PLT007 found.
    static func flagged(_ findings: [Finding], workloads: [Int64: Estate.Workload], reference: ReferenceData, target: KubernetesVersion,
                        date: String) -> [Int64: (controller: ReferenceData.ControllerSupport, supported: [KubernetesVersion])] {
        var result: [Int64: (controller: ReferenceData.ControllerSupport, supported: [KubernetesVersion])] = [:]
        for finding in findings where finding.checkID == "PLT007" {
            guard let id = finding.workloadID, let workload = workloads[id], result[id] == nil,
                  let controller = reference.controllers.first(where: { controller in
                      workload.containers.contains { $0.imageReference.map { controller.runs($0.repository) } ?? false }
                  }) else { continue }
            result[id] = (controller, controller.releases(supporting: target, on: date))
        }
        return result
    }

    /// The decision item. Its check reads the converted file: every line naming one of the controller's images must carry a
    /// tag of a supported release (`:v1.21.2`); a line left at another release, or a digest with no tag, fails it.
    static func item(_ workload: Estate.Workload, handle: PlanItemKey.Workload, clusterID: Int64, cluster: String, wave: Int, target: KubernetesVersion,
                     controller: ReferenceData.ControllerSupport, supported: [KubernetesVersion], files: ConvertedLayout.WorkloadFiles) -> PlanItem {
        let path = ShellQuote.word("converted/" + ConvertedLayout.workloadPath(cluster: cluster, wave: wave, label: workload.label, files: files))
        // Image repositories and releases come from data/controller-support.yaml: dots are escaped, nothing else is special.
        func pattern(_ text: String) -> String { text.replacingOccurrences(of: ".", with: "\\.") }
        let repositories = "(" + controller.images.map(pattern).joined(separator: "|") + ")", images = repositories + "[:@]"
        let releases = supported.map { pattern($0.description) }.joined(separator: "|")
        let names = supported.map(\.description).joined(separator: ", ")
        var commands = ["test -s \(path)  " + ShellQuote.comment("the converted file, with its \(controller.name) images set to a release EKS \(target) is supported by")]
        if supported.isEmpty {
            commands.append("echo " + ShellQuote.word("no \(controller.name) release in eksodus's table supports EKS \(target): check \(controller.source), then skip this item with a note") + " >&2; false")
        } else {
            // An `if`, not `! grep`: a negated command never stops a `set -e` script; `false`, not `exit 1`, in an interactive shell.
            commands.append("grep -Eq " + ShellQuote.word(images) + " \(path) || { echo " + ShellQuote.word("no \(controller.name) image in the file") + " >&2; false; }")
            let set = supported.first.flatMap { controller.patches[$0] } ?? names
            commands.append("if grep -nE " + ShellQuote.word(images) + " \(path) | grep -vE " + ShellQuote.word(":v?(" + releases + ")\\.[0-9]+([^0-9.]|$)") + "; then echo "
                            + ShellQuote.word("an image of another \(controller.name) release is still in the file: set \(set) (carry its Issuers and Certificates over), or install it with its Helm chart and skip this item") + " >&2; false; fi")
            if let crds = controller.crds { commands += ControllerCRDs.commands(controller, crds: crds, repositories: repositories, path: path,
                                                                                     folder: ShellQuote.word("converted/" + ConvertedLayout.folderName(cluster)), set: set) }
        }
        return PlanItem(key: .workload(.release, handle), title: "Decide the \(controller.name) release \(workload.label) runs on EKS \(target)",
                        clusterID: clusterID, wave: wave, workloadID: workload.id,
                        evidence: "PLT007: its release is outside the Kubernetes versions \(controller.name) supports for EKS \(target); "
                            + (supported.isEmpty ? "no supported release is known (\(controller.source))" : "supported releases: \(names) (\(controller.source))"),
                        // Deleting a CRD deletes every object of its kind: the CRDs stay on EKS, the source never had them touched.
                        rollback: controller.crds != nil && !supported.isEmpty
                            ? "Nothing to undo on the source: a decision (record it in the note); the \(controller.name) CRDs applied to EKS stay there (deleting a CRD deletes every object of its kind)"
                            : "Nothing to undo: a decision (record it in the note)", commands: commands)
    }
}
