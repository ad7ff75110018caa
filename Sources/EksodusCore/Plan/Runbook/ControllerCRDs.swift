/// The CRDs of a controller the release decision moves to a newer release on EKS (cert-manager), applied before its
/// deploy and read back. The CRDs are the release's own manifest, at the one patch release the converted file's images
/// name: a controller newer than its CRDs fails on fields they lack. Helm installs the CRDs of a chart's `crds/` folder once
/// and never upgrades them ("Custom Resource Definitions", Helm: https://helm.sh/docs/chart_best_practices/custom_resource_definitions/);
/// cert-manager's chart templates them instead, only with `crds.enabled`, and its docs recommend the static manifest,
/// applied with kubectl, for production ("Installing with Helm": https://cert-manager.io/docs/installation/helm/). The
/// version is read back from the CRD's `app.kubernetes.io/version` label, the chart's app version on every object it renders.
///
/// EKS gets a fresh install, so cert-manager's advice for a running one, one minor release at a time, always the latest
/// patch ("Upgrading cert-manager": https://cert-manager.io/docs/installation/upgrade/), asks no intermediate release
/// here; what does carry over is the resources, which must be at cert-manager.io/v1 (v1.7 removed every alpha and beta
/// version: "API compatibility", https://cert-manager.io/docs/installation/api-compatibility/).
enum ControllerCRDs {
    /// The field manager eksodus's server-side applies write as (the managedFields entry names who applied them).
    static let fieldManager = "eksodus"

    /// `repositories`: the controller's images as one pattern (`(repo|repo)`, from the table); `path`: the converted file and `folder` the cluster's, quoted;
    /// `set`: the patch release the table recommends, for the messages.
    static func commands(_ controller: ReferenceData.ControllerSupport, crds: (check: String, manifest: String), repositories: String, path: String, folder: String, set: String) -> [String] {
        let name = controller.name
        // `{version}` splits the table's URL (checked when the table is read): the release between its quoted halves.
        let halves = crds.manifest.components(separatedBy: "{version}")
        let manifest = ShellQuote.word(halves[0]) + "\"$CRD_RELEASE\"" + ShellQuote.word(halves.dropFirst().joined(separator: "{version}"))
        let eks = Kubectl.eks(nil)
        var lines: [String] = []
        if !controller.retiredAPIVersions.isEmpty {
            // A line of the cluster's converted files naming one (quoted or not): grep lists the files, and the item fails.
            let versions = controller.retiredAPIVersions.map { $0.replacingOccurrences(of: ".", with: "\\.") }.joined(separator: "|")
            lines.append("if grep -rlE " + ShellQuote.word("^[[:space:]]*apiVersion:[[:space:]]*[\"']?(" + versions + ")[\"']?[[:space:]]*$") + " \(folder); then echo "
                         + ShellQuote.word("these files hold \(name) resources at API versions the new release does not serve: convert them to the current version (cmctl convert) before they are applied") + " >&2; false; fi")
        }
        return lines + [
            // One patch release for every image: grep or sort printing two, or none, fails the pattern.
            "{ CRD_RELEASE=$(grep -oE " + ShellQuote.word(repositories + ":v?[0-9]+\\.[0-9]+\\.[0-9]+") + " \(path) | sed -E 's/.*:v?/v/' | sort -u)"
                + " && [[ \"$CRD_RELEASE\" =~ ^v[0-9]+\\.[0-9]+\\.[0-9]+$ ]]; } || { echo "
                + ShellQuote.word("the \(name) images in the file are not all at one patch release: set \(set) on each") + " >&2; false; }",
            ShellQuote.comment("\(name)'s CRDs before its controller, from the release's own manifest; re-runnable. Installing with its Helm chart instead: --set crds.enabled=true (installCRDs=true before v1.15) and skip these lines; never both, the chart then owns them"),
            // Forced, as eksodus's own field manager: the plan owns these CRDs (the release's manifest is the whole intent),
            // and a CRD a Helm chart or an earlier client-side apply wrote is owned by that manager, so a plain server-side
            // apply stops on every field both set differently; forcing moves those fields to eksodus ("Server-Side Apply",
            // conflicts: https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts). Only CRDs: on a
            // workload's object a conflict is another owner's live change (an HPA's replicas, a controller's field) to keep.
            eks("apply --server-side --force-conflicts --field-manager=" + fieldManager + " -f " + manifest),
            "{ CRD_VERSION=$(" + eks("get crd " + ShellQuote.word(crds.check) + " -o jsonpath='{.metadata.labels.app\\.kubernetes\\.io/version}'") + ") && [ \"$CRD_VERSION\" = \"$CRD_RELEASE\" ]; }"
                + " || { echo " + ShellQuote.word("the \(name) CRDs on EKS (\(crds.check)) are at ") + "\"${CRD_VERSION:-no version}, not $CRD_RELEASE\" >&2; false; }",
        ]
    }
}
