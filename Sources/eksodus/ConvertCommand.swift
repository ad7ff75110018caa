import ArgumentParser
import EksodusCore
import Foundation

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write EKS-ready manifests per cluster and wave, from the stored plan.",
        discussion: """
        Writes DIR/<cluster>/wave-N/: the objects to apply on EKS (API versions the target serves, images from ECR, EKS storage
        classes, AWS Load Balancer Controller annotations, IAM roles on ServiceAccounts, Secrets as ExternalSecrets), a
        kustomization.yaml (kubectl apply -k DIR/<cluster>/wave-N) and CHANGES.md: every change, why, and what is left to do by hand.
        Wave 0 is the platform: namespaces, CRDs, cluster-wide RBAC, StorageClasses.

        Examples:
          eksodus convert --out converted/
          eksodus convert --cluster prod --wave 2 --out converted/
        """
    )

    @Option(help: "The plan to read (default: $EKSODUS_PLAN, else the most recently planned).")
    var plan: String?

    @Option(help: "Only this cluster.")
    var cluster: String?

    @Option(help: "Only this wave (0 is the platform).")
    var wave: Int?

    @Option(help: ArgumentHelp("The folder to write.", valueName: "dir"))
    var out: String

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        // The stored plan and the assessment it was made from, as decided; the inventory gives the objects themselves.
        let db = try database.openReadOnly()
        let reference = try ReferenceData.embedded()
        let stored = try PlanStore.load(db, name: PlanSelection.named(plan))
        let assessment = try AssessmentStore.load(db, id: stored.assessment.assessmentID)
        let estates = try db.writer.read { try Estate.load($0, cluster: cluster) }
        if let cluster, estates.isEmpty { throw CommandError("no cluster named '\(cluster)' in the inventory") }
        let written = try ConvertedManifests(plan: stored, reference: reference, assessment: assessment)
            .write(estates: estates, to: URL(fileURLWithPath: out), wave: wave)
        for folder in written {
            print("\(folder.folder)/  \(folder.files.count - 2) manifests, kustomization.yaml, CHANGES.md")
        }
    }
}
