/// The runbook steps of one workload, chosen by its kind and, for stateful ones, by its copy method's order.
/// Steps reference each other by key; `Checklist` adds what links them to other workloads and to the waves.
struct WorkloadSteps {
    struct Context {
        var workload: Estate.Workload
        var handle: PlanItemKey.Workload
        var clusterID: Int64
        var clusterName: String
        var wave: Int
        var exposure: Exposure
        var stateful: Bool
        var statefulReason: String?
        var copyMethod: String?
        /// (container, ECR reference) for each container whose image moves.
        var images: [(container: String, target: String)]
        var consumers: [String]
        /// The consumers themselves, for restarting their source copies after a redirect.
        var consumerWorkloads: [Estate.Workload] = []
        var deployEvidence: String
        /// A monitoring store (Prometheus, Alertmanager…): run fresh on EKS, its history left on the source.
        var freshMonitoring = false
        /// The Helm release that installs it: its deploy step checks the install instead of applying a file.
        var release: HelmReleaseItems.Install?
        /// Its container that runs a data store of `data/databases.yaml`, and that store (`Engine.of`).
        var engine: Engine?
        /// `workload.label`, made once for the titles of all its steps.
        var label: String
        /// The switches `SharedSwitches` makes once per name in front of it (its Ingress hosts, a load balancer it shares):
        /// they count among its switches, so it gets no switch of its own for them.
        var sharedSwitches: [PlanItemKey] = []
        /// The NetworkPolicies of its namespace: a smoke probe must come in a way they admit.
        var networkPolicies: [NetworkPolicyRules] = []
        /// A RabbitMQ broker's vhosts, read from its consumers' URLs.
        var brokerVirtualHosts = AMQPVirtualHosts()
        /// The cluster's converted file names, for the file its deploy step applies.
        var convertedFiles = ConvertedLayout.WorkloadFiles()
        /// A CronJob's zone as convert writes it (`CronJobTimeZone.conversion`): its deploy applies a file that has it.
        var cronTimeZone: CronJobTimeZone.Conversion?
        /// The source's HorizontalPodAutoscalers that target it (`SourceAutoscalers.byTarget`): its scale-down takes them away first.
        var sourceAutoscalers: [String] = []
        /// The source runs external-dns (`SharedSwitches.sourceRunsExternalDNS`): its own TTL step first waits until it is held off.
        var sourceExternalDNS = false
        /// Its claims' capacities by claim name (the storage plan's `pvc` entries): how long a DataSync pass may take.
        var claimSizes: [String: Int] = [:]
        /// The compute plan's group for it (`ComputePlan.Placement.target`), where its copies' pods must run too.
        var computeTarget: String?
        /// Who its pods write their data as (`CopyPodSecurity.Identity.of` its manifest): its copy pods write as it does;
        /// nil when the export kept no pod template of it.
        var copyIdentity: CopyPodSecurity.Identity? = CopyPodSecurity.Identity()

        init(workload: Estate.Workload, handle: PlanItemKey.Workload, clusterID: Int64, clusterName: String, wave: Int, exposure: Exposure,
             stateful: Bool, statefulReason: String?, copyMethod: String?, images: [(container: String, target: String)], consumers: [String],
             consumerWorkloads: [Estate.Workload] = [], deployEvidence: String, freshMonitoring: Bool = false, release: HelmReleaseItems.Install? = nil,
             engine: Engine?) {
            self.workload = workload
            self.handle = handle
            self.clusterID = clusterID
            self.clusterName = clusterName
            self.wave = wave
            self.exposure = exposure
            self.stateful = stateful
            self.statefulReason = statefulReason
            self.copyMethod = copyMethod
            self.images = images
            self.consumers = consumers
            self.consumerWorkloads = consumerWorkloads
            self.deployEvidence = deployEvidence
            self.freshMonitoring = freshMonitoring
            self.release = release
            self.engine = engine
            label = workload.label
        }
    }

    /// The first container of a workload whose image is a data store `data/databases.yaml` knows, and that store.
    struct Engine {
        var container: Estate.Container
        var database: ReferenceData.Database

        /// `database` names an image's data store (`ReferenceData.database(image:)`, or a run's memo of it).
        static func of(_ workload: Estate.Workload, database: (String) -> ReferenceData.Database? = { ReferenceData.bundled?.database(image: $0) }) -> Engine? {
            for container in workload.containers {
                if let image = container.image, let database = database(image) { return Engine(container: container, database: database) }
            }
            return nil
        }
    }

    /// Where the steps are in the checklist's items.
    var range: Range<Int> = 0..<0
    /// Their keys, in the same order: reading them from the items would copy each item.
    var keys: [PlanItemKey] = []
    /// The checklist's items while the steps are appended to them.
    private var items: [PlanItem] = []
    /// The first step: it waits for the wave's gate, images and platform.
    var entry: PlanItemKey?
    /// The step consumers' deploys wait for.
    var deploy: PlanItemKey?
    /// From this step on the EKS copy is the one that takes writes: consumers switch only after it.
    var primary: PlanItemKey?
    /// The steps after which nothing calls the source copy from outside or from the source's consumers.
    var switches: [PlanItemKey] = []
    /// The step that removes (or scales down) the source copy; it waits for every consumer's switch.
    var retire: PlanItemKey?
    /// Steps done days ahead of the wave (the DNS TTL): they wait for the EKS cluster, not for the wave's gate.
    var ahead: [PlanItemKey] = []
    /// The step after which the EKS copy can take outside traffic: the switch of a DNS name in front of it waits for it.
    var switchReady: PlanItemKey?
    /// Its own switch steps, without the shared names' switches `Checklist` makes (its retire waits for those too).
    private var ownSwitches: [PlanItemKey.Step] { switches.compactMap { $0.workload == nil ? nil : $0.step } }

    static let suspendTrue = ShellQuote.word("{\"spec\":{\"suspend\":true}}")
    static let suspendFalse = ShellQuote.word("{\"spec\":{\"suspend\":false}}")
    /// The jq filter that drops what the source's API server set on an exported object.
    static let serverFields = "del(.status, .metadata.uid, .metadata.resourceVersion, .metadata.creationTimestamp, .metadata.generation, .metadata.managedFields, .metadata.ownerReferences)"
    static let jqStrip = ShellQuote.word(serverFields)

    /// Appends the workload's steps to `items` (the checklist's own array, lent to the steps while they are made, so that no
    /// item is copied on its way into the checklist).
    static func build(_ context: Context, into items: inout [PlanItem]) -> WorkloadSteps {
        var steps = WorkloadSteps()
        swap(&steps.items, &items)
        let start = steps.items.count
        steps.make(context)
        swap(&steps.items, &items)
        steps.range = start..<items.count
        return steps
    }

    private mutating func add(_ step: PlanItemKey.Step, _ title: String, _ context: Context, after: [PlanItemKey.Step], evidence: String = "",
                              commands: [String], rollback: String, rollbackCommands: [String] = []) {
        // A release's workload is not deployed by its own step: the step checks the release's install at that point of the order.
        let title = step == .deploy && context.release != nil ? title + ": installed by Helm release \(context.release?.label ?? ""), checked here" : title
        keys.append(Self.key(step, context))
        items.append(PlanItem(key: Self.key(step, context), title: title, clusterID: context.clusterID, wave: context.wave,
                              workloadID: context.workload.id, prerequisites: after.map { Self.key($0, context) }, evidence: evidence,
                              rollback: rollback, commands: commands, rollbackCommands: rollbackCommands))
    }

    private static func key(_ step: PlanItemKey.Step, _ context: Context) -> PlanItemKey { .workload(step, context.handle) }

    // MARK: Commands shared by the kinds

    static func file(_ context: Context, _ suffix: String) -> String {
        ShellQuote.fileName([context.clusterName, context.workload.namespace, context.workload.kind.lowercased(), context.workload.name], suffix: suffix)
    }

    /// What a new cluster refuses or must set itself: a Job's generated selector and labels, a Pod's node.
    static func kindStrip(_ kind: String) -> String {
        switch kind {
        case "Job": return " | del(.spec.selector, .spec.template.metadata.labels[\"controller-uid\"], .spec.template.metadata.labels[\"batch.kubernetes.io/controller-uid\"], .spec.template.metadata.labels[\"job-name\"], .spec.template.metadata.labels[\"batch.kubernetes.io/job-name\"])"
        case "Pod": return " | del(.spec.nodeName)"
        default: return ""
        }
    }

    /// Exports the source object without its server-set fields into `file`.
    static func export(_ context: Context, to file: String) -> String {
        let workload = context.workload
        let filter = serverFields + kindStrip(workload.kind)
        return Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))("get \(Kubectl.ref(workload, on: .source)) -o json")
            + " | jq \(ShellQuote.word(filter)) > \(ShellQuote.word(file))"
    }

    /// Applies the workload's file of `eksodus convert` (ECR images, EKS storage classes, IAM, tolerations, API versions the
    /// target serves; a CronJob arrives suspended), never the live source object.
    static func deployCommands(_ context: Context, suspended: Bool = false, stopped: Bool = false) -> [String] {
        let workload = context.workload
        let eks = Kubectl.eks(workload.namespace)
        if let release = context.release { return releaseCheck(context, release, stopped: stopped) }
        let path = "converted/" + ConvertedLayout.workloadPath(cluster: context.clusterName, wave: context.wave, label: context.label, files: context.convertedFiles)
        if workload.kind == "CronJob", let conversion = context.cronTimeZone,
           let zoned = CronJobTimeZone.deployCommands(conversion, path: path, namespace: workload.namespace, name: workload.name, cluster: context.clusterName, wave: context.wave) {
            return zoned
        }
        var commands: [String] = []
        if workload.kind == "DeploymentConfig" {
            commands.append("# a DeploymentConfig: convert writes it as an apps/v1 Deployment; its hooks and image triggers are TODOs in the wave's CHANGES.md")
        }
        commands.append("test -f \(ShellQuote.word(path)) || eksodus convert --cluster \(ShellQuote.word(context.clusterName)) --wave \(context.wave) --out converted")
        if stopped {
            commands.append(PostgresStandby.deployStopped(path, namespace: workload.namespace))
            return commands
        }
        commands.append("kubectl --context \"$EKS_CONTEXT\" apply -f \(ShellQuote.word(path))" + (suspended ? "  # suspended: spec.suspend is true in the converted file" : ""))
        if ["Deployment", "StatefulSet", "DaemonSet", "DeploymentConfig"].contains(workload.kind) {
            commands.append(eks("rollout status \(Kubectl.ref(workload, on: .eks)) --timeout=10m"))
        }
        return commands
    }

    /// A workload a Helm release installs: its deploy step checks what the install made, never applies a second copy.
    /// A stateful one the install left at 0 replicas (`plan:helm-data:…`) starts here, in the copy method's order.
    static func releaseCheck(_ context: Context, _ release: HelmReleaseItems.Install, stopped: Bool) -> [String] {
        let workload = context.workload
        let eks = Kubectl.eks(workload.namespace)
        let ref = Kubectl.ref(workload, on: .eks)
        var commands = [ShellQuote.comment("installed by Helm release \(release.label), item \(release.key)")]
        if workload.kind == "CronJob" {
            commands.append(eks("get \(ref) -o jsonpath='{.spec.suspend}{\"\\n\"}'") + "  # must print true: the install's post-renderer suspended it")
            return commands
        }
        if let decision = release.dataDecision {
            commands.append(eks("get \(ref) -o jsonpath='{.spec.replicas}{\"\\n\"}'") + "  " + ShellQuote.comment("0 as \(decision) chose"))
            if stopped { return commands }
            commands.append(eks("scale \(ref) --replicas=\(max(workload.replicas ?? 1, 1))"))
        }
        if ["Deployment", "StatefulSet", "DaemonSet", "DeploymentConfig"].contains(workload.kind) {
            commands.append(eks("rollout status \(ref) --timeout=10m"))
        } else {
            commands.append(eks("get \(ref) -o wide"))
        }
        return commands
    }

    static func deleteOnEKS(_ context: Context) -> [String] {
        let eks = Kubectl.eks(context.workload.namespace), ref = Kubectl.ref(context.workload, on: .eks)
        // Helm owns a release's objects: stop it without deleting what the release would re-create or lose track of.
        if let release = context.release {
            let stop = context.workload.kind == "CronJob" ? eks("patch \(ref) --type=merge -p \(suspendTrue)")
                : ["Deployment", "StatefulSet", "DeploymentConfig"].contains(context.workload.kind) ? eks("scale \(ref) --replicas=0")
                : ShellQuote.comment("stop it with the release's own rollback (\(release.key))")
            return [stop]
        }
        return [eks("delete \(ref)")]
    }

    static func smokeCommands(_ context: Context) -> [String] {
        let workload = context.workload, eks = Kubectl.eks(workload.namespace)
        return [eks("get \(Kubectl.ref(workload, on: .eks)) -o wide"), eks("logs \(Kubectl.ref(workload, on: .eks)) --since=10m")] + SmokeProbe.commands(context)
    }

    /// The traffic steps: a DNS/LB switch where something outside the cluster reaches the workload, a redirect of the
    /// source's consumers for stateful providers, a verification otherwise.
    private mutating func addSwitches(_ context: Context, after: PlanItemKey.Step) {
        let workload = context.workload
        switchReady = Self.key(after, context)
        switches += context.sharedSwitches
        if context.exposure.isNodeAgent {
            let agent = TrafficCommands.nodeAgent(workload)
            add(.traffic, "Point the clients of \(context.label) (scrapers, node-local callers) at the EKS nodes: hostNetwork, no DNS name to switch", context,
                after: [after], evidence: context.exposure.reasons.joined(separator: "; "), commands: agent.commands,
                rollback: "Its clients back to the source nodes: its source copy still runs", rollbackCommands: agent.rollback)
            switches.append(Self.key(.traffic, context))
        } else if context.exposure.needsOwnSwitch {
            var trafficAfter = [after]
            let record = Self.file(context, ".dns-record.json")
            if context.exposure.switchesDNS {
                let ttl = DNSLowering.commands(host: nil, record: record, frontends: context.exposure.ownFrontends, notes: TrafficCommands.unusableHosts(context.exposure))
                let held = context.sourceExternalDNS ? SharedSwitches.sourceExternalDNSGate("the name in front of \(context.label)") : []
                add(.dnsTTL, "Days before the switch: lower the DNS TTL in front of \(context.label) to \(TrafficCommands.lowTTL) s", context, after: [],
                    evidence: context.exposure.reasons.joined(separator: "; "), commands: held + ttl.commands,
                    rollback: "Put the TTL back to its old value", rollbackCommands: ttl.rollback)
                ahead.append(Self.key(.dnsTTL, context))
                trafficAfter.append(.dnsTTL)
            }
            // Data of its own lives on one side at a time: its switch is one shift, never a split (`TrafficCommands.oneStepShares`).
            let traffic = TrafficCommands.switchCommands(context.exposure, record: record, owner: (workload.namespace, workload.name), oneStep: context.stateful)
            let gradual = !context.exposure.switchesDNS ? ""
                : context.stateful ? " in one shift (its data lives on one side at a time)"
                : " in steps (weighted DNS records, \(TrafficCommands.shares.map { "\($0)%" }.joined(separator: ", ")))"
            add(.traffic, "Switch traffic for \(context.exposure.ownReasons.joined(separator: ", ")) to EKS\(gradual)", context, after: trafficAfter,
                evidence: context.exposure.reasons.joined(separator: "; "), commands: traffic.commands,
                rollback: context.stateful ? "Weights (or targets) back to the source, and reverse the replication before writes resume there"
                                           : "Weights (or targets) back to the source cluster: its copy still runs",
                rollbackCommands: traffic.rollback)
            switches.append(Self.key(.traffic, context))
        }
        if context.stateful && !context.consumers.isEmpty, let service = HeadlessRedirect.aliasable(context.exposure.services) ?? context.exposure.services.first {
            let name = service.resource.name, crossName = RedirectCommands.crossName(name)
            let swap = RedirectSwap(name: name, crossName: crossName, namespace: workload.namespace,
                                    file: ShellQuote.fileName([context.clusterName, workload.namespace, "service", name], suffix: ".source.json"))
            let expose = RedirectCommands.exposeOnEKS(name, as: crossName, namespace: workload.namespace)
            let evidence = "consumers still on the source: " + context.consumers.joined(separator: ", ")
            // Pods that each hold their own data: an NLB each (or a refusal, first), beside the shared one.
            let perPod = PerPodRedirect.make(workload, engine: context.engine?.database.name, services: context.exposure.services, swap: swap)
            let refusal = perPod?.refusal.map { [$0] } ?? []
            if service.clusterIP == "None" {
                let headless = HeadlessRedirect(swap: swap, consumers: context.consumers, perPod: perPod)
                add(.redirect, "Repoint the source cluster's consumers of \(context.label) at its EKS copy's NLB by hand (Service \(workload.namespace)/\(name) is headless: no alias)",
                    context, after: [after], evidence: evidence + "; an ExternalName in place of a headless Service would end its pods' DNS names and SRV records",
                    commands: refusal + expose + headless.commands + (perPod?.commands ?? []),
                    rollback: "Point the consumers back at the source Service; the source copy takes the writes again only after the replication is reversed",
                    rollbackCommands: headless.rollback)
            } else {
                add(.redirect, "Point the source cluster's consumers of \(context.label) at its EKS copy (Service \(workload.namespace)/\(name) becomes an alias)",
                    context, after: [after], evidence: evidence, commands: refusal + expose + (perPod.map { [swap.save] + $0.commands } ?? []) + swap.commands + HeadlessRedirect.staying(context.exposure.services, namespace: workload.namespace, perPod: perPod),
                    rollback: "Restore the source Service; the source copy takes the writes again only after the replication is reversed",
                    rollbackCommands: swap.rollback)
            }
            switches.append(Self.key(.redirect, context))
            // Pooled connections opened before the redirect still reach the source copy: the consumers reconnect.
            let restartable = context.consumerWorkloads.filter { ["Deployment", "StatefulSet", "DaemonSet", "DeploymentConfig"].contains($0.kind) }
            let restarts = restartable.map { consumer in
                Kubectl.source(consumer.namespace, tool: Kubectl.tool(for: consumer))("rollout restart \(Kubectl.ref(consumer, on: .source))")
                    + " && " + Kubectl.source(consumer.namespace, tool: Kubectl.tool(for: consumer))("rollout status \(Kubectl.ref(consumer, on: .source)) --timeout=10m")
            }
            let others = context.consumerWorkloads.count - restartable.count
            add(.reconnect, "Restart the source copies of \(context.label)'s consumers so their pooled connections reopen through \(service.clusterIP == "None" ? "the NLB" : "the alias")", context,
                after: [.redirect], evidence: "consumers still on the source: " + context.consumers.joined(separator: ", "),
                commands: restarts + (others > 0 ? ["# \(others) Jobs or CronJobs among them open new connections on their next run"] : [])
                    + ["# the source copy should see no client connections from the consumers any more:"]
                    + (context.engine?.database.name == "redis" ? RedisReplicas(workload: workload).connectionChecks()
                       : context.engine?.database.name == "rabbitmq" ? RabbitMQShovel(workload: workload, vhosts: context.brokerVirtualHosts, closesAtReconnect: true).afterReconnect()
                       : [Self.connectionCheck(context)]),
                rollback: "After the redirect's rollback, restart them again so they reconnect to the source copy", rollbackCommands: restarts)
            switches.append(Self.key(.reconnect, context))
        }
        if switches.isEmpty {
            let title: String
            if context.consumers.isEmpty {
                title = "Verify \(context.label) does its work on EKS (nothing outside the cluster reaches it, no caller known)"
            } else {
                title = "Verify \(context.label) answers its consumers on EKS (in-cluster only; \(context.consumers.joined(separator: ", ")) call it there once they move)"
            }
            var commands = context.exposure.services.map(SmokeProbe.readyEndpoints)
            commands.append(Kubectl.eks(workload.namespace)("logs \(Kubectl.ref(workload, on: .eks)) --since=15m"))
            commands.append("# the source copy should see no new work once its consumers have moved:")
            commands.append(Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))("logs \(Kubectl.ref(workload, on: .source)) --since=15m"))
            add(.verify, title, context, after: [after], evidence: context.consumers.isEmpty ? "no Service caller found in the manifests" : "consumers: " + context.consumers.joined(separator: ", "),
                commands: commands, rollback: "Nothing to undo: in-cluster calls follow their consumers; roll back the consumers' switch instead")
            switches.append(Self.key(.verify, context))
        }
    }

    private mutating func addRetire(_ context: Context) {
        let workload = context.workload
        let source = Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))
        let consumers = context.consumers.isEmpty ? "" : "; waits for its consumers \(context.consumers.joined(separator: ", "))"
        let after = ownSwitches
        let unretire = context.stateful ? DataCopy(method: context.copyMethod, database: context.engine?.database).afterUnretire(workload) : []
        if workload.isService {
            let autoscalers = SourceAutoscalers(workload: workload, cluster: context.clusterName, names: context.sourceAutoscalers)
            let held = autoscalers.names.isEmpty ? "" : " (its HorizontalPodAutoscaler saved and deleted first: " + autoscalers.names.joined(separator: ", ") + ")"
            let replicas = SourceReplicas(workload: workload, cluster: context.clusterName)
            let soak = SourceSoak(workload: workload, cluster: context.clusterName,
                                  records: (context.exposure.switchesDNS ? [Self.file(context, ".dns-record.json")] : [])
                                    // the shared switches' records (`SharedSwitches`): by host, or by frontend without one
                                    + context.exposure.hostRoutes.map { SharedSwitches.recordFile(cluster: context.clusterName, host: $0.host, frontend: nil) }
                                    // a frontend has its own record only when no host of it is switched (an Ingress's hosts are)
                                    + context.exposure.frontends.filter { frontend in
                                        !context.exposure.hostRoutes.contains { $0.namespace == frontend.namespace && $0.ingress == frontend.name && frontend.kind == "ingress" }
                                    }.map { SharedSwitches.recordFile(cluster: context.clusterName, host: nil, frontend: $0) },
                                  upstreams: context.exposure.frontends.contains { $0.kind == "ingress" }
                                    ? context.exposure.services.map { $0.resource.namespace + "-" + $0.resource.name } : [])
            add(.scaledown, "Scale \(context.label) down to zero on the source cluster, after a soak" + held, context, after: after,
                evidence: "source copy kept until nothing calls it" + consumers,
                commands: soak.commands
                    + (context.stateful ? DataCopy(method: context.copyMethod, database: context.engine?.database).beforeRetire(workload) : [])
                    + [SourceScaleDown.ready(replicas, autoscalers) + "  # its count saved, no autoscaler left",
                       source("scale \(Kubectl.ref(workload, on: .source)) --replicas=0"), replicas.staysDown],
                rollback: (context.stateful ? "Scale it back up on the source only after replicating back from EKS: the EKS copy took the writes since the switch"
                                            : "Scale it back up on the source (and switch back)")
                    + (autoscalers.names.isEmpty ? "" : "; then re-create its HorizontalPodAutoscaler from the saved copy"),
                rollbackCommands: [RunbookLibrary.load, replicas.restore(soak: soak.startedFile) + "  # a later scale-down soaks again"]
                    + unretire + autoscalers.afterScaleUp)
            retire = Self.key(.scaledown, context)
        } else {
            let backup = Self.file(context, ".source.json")
            let what = workload.kind == "DaemonSet" ? "Remove" : workload.kind == "Job" ? "Delete the finished" : "Delete"
            add(.retire, "\(what) \(context.label) from the source cluster (kept as \(backup))", context, after: after,
                evidence: "source copy kept until its replacement on EKS is proven" + consumers,
                commands: (context.stateful ? DataCopy(method: context.copyMethod, database: context.engine?.database).beforeRetire(workload) : [])
                    + [Self.export(context, to: backup), source("delete \(Kubectl.ref(workload, on: .source))")],
                rollback: "Re-create it on the source from the saved copy" + (workload.kind == "CronJob" ? " (it comes back suspended: unsuspend it only after suspending the EKS one)" : ""),
                rollbackCommands: [source("apply -f \(ShellQuote.word(backup))")] + unretire)
            retire = Self.key(.retire, context)
        }
    }

    /// How many clients the source copy still serves, in the engine's own terms where it has them.
    static func connectionCheck(_ context: Context) -> String {
        let workload = context.workload
        switch context.engine?.database.name {
        // A count that must be 0, not one to read: no answer (kubectl or psql failing) is no pass either.
        case "postgres":
            return "test \"$(" + PostgresStandby.psql(workload, on: .source, "SELECT count(*) FROM pg_stat_activity WHERE datname IS NOT NULL AND pid <> pg_backend_pid()")
                + ")\" = 0 || { echo 'sessions are still open on the source PostgreSQL (or it did not answer): find them in pg_stat_activity and move their clients' >&2; false; }"
        // Client sessions only: not the check's own, the server's threads, nor a replica's binlog dump. The SQL goes on
        // stdin, quoted once.
        case "mysql", "mariadb":
            let sql = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND USER NOT IN ('system user', 'event_scheduler') AND COMMAND NOT LIKE 'Binlog Dump%'"
            let kubectl = Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))
            return "test \"$(printf '%s\\n' " + ShellQuote.word(sql) + " | " + kubectl("exec -i \(Kubectl.ref(workload, on: .source)) -- sh -c " + ShellQuote.word("mysql -uroot -p\"$MYSQL_ROOT_PASSWORD\" -N"))
                + ")\" = 0 || { echo 'client sessions are still open on the source MySQL (or it did not answer): find them in SHOW PROCESSLIST and move their clients' >&2; false; }"
        case "redis": return RedisReplicas(workload: workload).sourceExec(Kubectl.ref(workload, on: .source), "redis-cli CLIENT LIST")
        // No AMQP connection is left (the CLI's own is none); an empty list is the pass, so a failed kubectl must fail it.
        case "rabbitmq":
            return "{ CONNECTIONS=$(" + DataCopy.exec(workload, on: .source, "rabbitmqctl list_connections --quiet --no-table-headers name peer_host")
                + ") && test -z \"$CONNECTIONS\"; } || { echo 'connections are still open on the source RabbitMQ (or it did not answer): rabbitmqctl list_connections shows whose' >&2; false; }"
        default: return Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))("logs \(Kubectl.ref(workload, on: .source)) --since=10m")
        }
    }

    // MARK: Kinds

    private mutating func make(_ context: Context) {
        switch context.workload.kind {
        case "CronJob": cronJob(context)
        case "Job": job(context)
        case "DaemonSet", "Pod":
            deployStateless(context, title: context.workload.kind == "Pod"
                ? "Recreate the bare \(context.label) on \(context.clusterName)'s EKS cluster (no controller: consider a Deployment)"
                : "Deploy \(context.label) on EKS (a pod on every matching node)")
        default:
            if context.freshMonitoring { monitoring(context) } else if context.stateful { stateful(context) } else { deployStateless(context, title: nil) }
        }
    }

    /// A monitoring store starts empty on EKS and the source's copy keeps its history, read-only, instead of being frozen,
    /// copied and scaled down like an application's database.
    private mutating func monitoring(_ context: Context) {
        let workload = context.workload
        let source = Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))
        let ref = Kubectl.ref(workload, on: .source)
        add(.deploy, "Run \(context.label) fresh on EKS with empty storage (its history stays on the source; no TSDB copy)", context, after: [],
            evidence: context.deployEvidence, commands: Self.deployCommands(context),
            rollback: "Delete it from EKS; the source copy keeps monitoring", rollbackCommands: Self.deleteOnEKS(context))
        deploy = Self.key(.deploy, context)
        entry = deploy
        add(.smoke, "Check \(context.label) on EKS collects from the EKS cluster (targets up, rules and alerts loaded)", context, after: [.deploy],
            commands: Self.smokeCommands(context), rollback: "Nothing to undo: a check")
        addSwitches(context, after: .smoke)
        add(.retire, "Keep the source's \(context.label) read-only for its history: silence its alerts, delete it when its retention ends", context,
            after: ownSwitches, evidence: "monitoring history is not migrated: dashboards query the source copy for the time before the move",
            commands: [source("get \(ref) -o jsonpath='{.spec.template.spec.containers[*].args}'") + "  # --storage.tsdb.retention.time: how long the history stays useful",
                       "# silence the source copy's notifications (an Alertmanager silence or a null receiver): alerts now come from EKS only",
                       "# once the retention has passed: " + source("delete \(ref)")],
            rollback: "Lift the silence on the source copy: it never stopped collecting")
        retire = Self.key(.retire, context)
    }

    private mutating func dataBeforeDeploy(_ context: Context) -> [PlanItemKey.Step] {
        guard context.stateful, !context.workload.isService else { return [] }
        var copy = DataCopy(method: context.copyMethod, database: context.engine?.database)
        copy.dataSyncClaims = Self.dataSyncClaims(context)
        copy.copyIdentity = context.copyIdentity
        copy.placement = context.computeTarget
        let title = copy.fromNode ? "Decide whether the node-local data of \(context.label) moves, and copy it by hand: \(copy.method)"
            : "Copy the data of \(context.label) to EKS: \(copy.method)"
        add(.data, title, context, after: [], evidence: context.statefulReason ?? "stateful",
            commands: copy.replicate(context.workload, mountPaths: mountPaths(context)), rollback: "Delete the EKS copy; the source data was never changed",
            rollbackCommands: copy.stopReplication(context.workload))
        entry = Self.key(.data, context)
        return [.data]
    }

    private mutating func deployStateless(_ context: Context, title: String?) {
        let before = dataBeforeDeploy(context)
        add(.deploy, title ?? "Deploy \(context.label) to EKS (images from ECR)", context, after: before, evidence: context.deployEvidence,
            commands: Self.deployCommands(context), rollback: "Delete it from EKS; the source keeps serving", rollbackCommands: Self.deleteOnEKS(context))
        deploy = Self.key(.deploy, context)
        if entry == nil { entry = deploy }
        add(.smoke, "Smoke test \(context.label) on EKS", context, after: [.deploy], commands: Self.smokeCommands(context),
            rollback: "Nothing to undo: a test; on failure roll back the deploy")
        addSwitches(context, after: .smoke)
        addRetire(context)
    }

    /// The workload's claims mounted from its pod volumes, each with where it is mounted and a DataSync task of its own
    /// (claim templates are per replica: not here). Only for a DataSync copy; through an access point for one onto EFS.
    static func dataSyncClaims(_ context: Context) -> [DataSyncClaimTask] {
        guard let method = context.copyMethod, method.contains("DataSync") else { return [] }
        let workload = context.workload
        let claims = Dictionary(workload.volumes.compactMap { volume in
            volume.type == "persistentVolumeClaim" ? volume.reference.map { (volume.name, $0) } : nil
        }) { first, _ in first }
        var seen = Set<String>(), copies: [DataSyncClaimTask] = []
        for container in workload.containers {
            for mount in container.volumeMounts.items {
                guard let name = mount["name"]?.string, let claim = claims[name], let path = mount["mountPath"]?.string,
                      seen.insert(claim).inserted else { continue }
                copies.append(DataSyncClaimTask(cluster: context.clusterName, workload: workload, claim: claim, mountPath: path,
                                                efs: method == StoragePlan.dataSyncToEFS ? EFSAccessPointCopy(workload: workload, claim: claim, mountPath: path) : nil,
                                                sizeBytes: context.claimSizes[claim]))
            }
        }
        return copies
    }

    private func mountPaths(_ context: Context) -> [String] {
        let claimNames = Set(context.workload.claimTemplates.map(\.name) + context.workload.volumes.filter { $0.type == "persistentVolumeClaim" }.map(\.name))
        return Array(Set(context.workload.containers.flatMap { container in
            container.volumeMounts.items.compactMap { mount -> String? in
                guard let name = mount["name"]?.string, claimNames.contains(name) else { return nil }
                return mount["mountPath"]?.string
            }
        })).sorted()
    }

    private mutating func stateful(_ context: Context) {
        let workload = context.workload
        var copy = DataCopy(method: context.copyMethod, database: context.engine?.database)
        // The database container's image on ECR (sidecars may move too).
        let engineContainer = context.engine?.container.name
        copy.targetImage = (context.images.first { $0.container == engineContainer } ?? context.images.first)?.target
        copy.headlessService = context.exposure.services.first { $0.clusterIP == "None" }?.resource.name
        copy.copyIdentity = context.copyIdentity
        copy.placement = context.computeTarget
        if copy.engine == "mongo", !MongoCopy(workload: workload).isReplicaSet { copy.method = MongoCopy.method }
        copy.dataSyncClaims = Self.dataSyncClaims(context)
        copy.brokerVirtualHosts = context.brokerVirtualHosts
        copy.shovelsCloseAtReconnect = !context.consumers.isEmpty && !context.exposure.services.isEmpty
        let paths = mountPaths(context)
        let freeze = copy.freeze(workload)
        let freezeTitle = "Write freeze on the source: stop writes to \(context.label)"
        let dataRollback = "Stop the copy and delete the EKS copy; the source data was never changed"
        switch copy.order {
        case .replicateThenFreeze:
            add(.deploy, "Deploy the empty target of \(context.label) on EKS (volumes created empty, not serving yet"
                    + (copy.deploysStopped ? ", no replica running" : "") + ")", context, after: [],
                evidence: context.deployEvidence, commands: copy.beforeDeploy(workload) + Self.deployCommands(context, stopped: copy.deploysStopped),
                rollback: "Delete it from EKS (and its empty claims); the source keeps serving", rollbackCommands: Self.deleteOnEKS(context))
            var dataAfter: [PlanItemKey.Step] = [.deploy]
            // Standalone RabbitMQ brokers (`RabbitMQClustering`): nothing is copied before the team decides how.
            let brokers = copy.engine == "rabbitmq" ? RabbitMQShovel(workload: workload, vhosts: context.brokerVirtualHosts) : nil
            if let brokers, brokers.standalonePods > 0 {
                add(.decide, "Decide how the \(brokers.standalonePods) standalone RabbitMQ brokers of \(context.label) move: they are not one cluster", context, after: [.deploy],
                    evidence: "\(brokers.standalonePods) replicas and no clustering configuration (peer discovery, cluster_formation, Erlang cookie): each pod is a broker of its own",
                    commands: brokers.clusterGate(key: Self.key(.decide, context).description), rollback: "Nothing to undo: a decision (record it in the note)")
                dataAfter = [.decide]
            }
            if let definitions = copy.definitions(workload) {
                add(.definitions, "Copy the definitions of \(context.label) to its EKS copy (users, vhosts, queues, exchanges, bindings, policies) before the shovel",
                    context, after: dataAfter, commands: definitions.commands, rollback: "Delete what the import created on EKS; the source is untouched",
                    rollbackCommands: definitions.rollback)
                dataAfter = [.definitions]
            }
            add(.data, "Replicate the data of \(context.label) to its EKS copy: \(copy.method)", context, after: dataAfter,
                evidence: (context.statefulReason ?? "stateful") + (copy.engine == "postgres" ? "; " + PostgresSlotBound.evidence : ""),
                commands: copy.replicate(workload, mountPaths: paths), rollback: dataRollback,
                rollbackCommands: copy.stopReplication(workload))
            add(.dataVerify, "Verify the EKS copy of \(context.label) has caught up (replication lag, counts)", context, after: [.data],
                commands: copy.verify(workload, mountPaths: paths), rollback: "Nothing to undo: a check; keep replicating until it passes")
            add(.smoke, "Smoke test \(context.label) on EKS (read-only: it is still a replica)", context, after: [.dataVerify],
                commands: Self.smokeCommands(context), rollback: "Nothing to undo: a test")
            add(.freeze, freezeTitle + " (promote and switch right after)", context, after: [.smoke], commands: freeze.commands,
                rollback: "Lift the freeze: the source takes writes again", rollbackCommands: freeze.rollback)
            add(.promote, "Promote the EKS copy of \(context.label): it takes the writes from now on", context, after: [.freeze],
                commands: copy.promote(workload), rollback: "Make the source primary again: freeze writes on EKS and copy them back to the source before lifting its freeze (lifting it alone loses every write made on EKS since the promotion)",
                rollbackCommands: copy.unpromote(workload, mountPaths: paths) ?? ["# writes made on EKS since the promotion exist only there: freeze them and copy them back to the source first"] + freeze.rollback)
            entry = Self.key(.deploy, context)
            primary = Self.key(.promote, context)
            addSwitches(context, after: .promote)
        case .freezeThenRestore:
            add(.freeze, freezeTitle + " (the copy is taken after it)", context, after: [], evidence: context.statefulReason ?? "stateful",
                commands: freeze.commands, rollback: "Lift the freeze: the source takes writes again", rollbackCommands: freeze.rollback)
            add(.data, "Copy the data of \(context.label) to EKS after the freeze: \(copy.method)", context, after: [.freeze],
                evidence: context.statefulReason ?? "stateful", commands: copy.replicate(workload, mountPaths: paths), rollback: dataRollback,
                rollbackCommands: copy.stopReplication(workload))
            add(.deploy, "Deploy \(context.label) on EKS over its restored volumes (images from ECR)", context, after: [.data],
                evidence: context.deployEvidence, commands: Self.deployCommands(context),
                rollback: "Delete it from EKS and lift the freeze on the source", rollbackCommands: Self.deleteOnEKS(context) + freeze.rollback)
            add(.dataVerify, "Verify the restored data of \(context.label) on EKS (sizes, file counts)", context, after: [.deploy],
                commands: copy.verify(workload, mountPaths: paths), rollback: "Nothing to undo: a check; restore again until it passes")
            add(.smoke, "Smoke test \(context.label) on EKS", context, after: [.dataVerify], commands: Self.smokeCommands(context),
                rollback: "Nothing to undo: a test; on failure lift the freeze on the source")
            entry = Self.key(.freeze, context)
            primary = Self.key(.smoke, context)
            addSwitches(context, after: .smoke)
        }
        deploy = Self.key(.deploy, context)
        addRetire(context)
    }

    private mutating func cronJob(_ context: Context) {
        let workload = context.workload
        let source = Kubectl.source(workload.namespace), eks = Kubectl.eks(workload.namespace)
        let ref = Kubectl.ref(workload, on: .eks)
        let before = dataBeforeDeploy(context)
        add(.deploy, "Deploy \(context.label) on EKS suspended (spec.suspend: true), so it cannot run twice", context, after: before,
            evidence: context.deployEvidence, commands: Self.deployCommands(context, suspended: true),
            rollback: "Delete it from EKS; the source keeps running it", rollbackCommands: Self.deleteOnEKS(context))
        // Its converted schedule needs the cluster's time zone decision (Checklist makes plan:cron-time-zone for every cluster with CronJobs).
        items[items.count - 1].prerequisites.append(.plan(.cronTimeZone, cluster: context.clusterName))
        deploy = Self.key(.deploy, context)
        if entry == nil { entry = deploy }
        let smokeJob = ShellQuote.word(String(("eksodus-check-" + workload.name).prefix(52)))
        add(.smoke, "Check the suspended \(context.label) on EKS: schedule, and a server-side dry run of one Job", context, after: [.deploy],
            commands: [eks("get \(ref) -o jsonpath='{.spec.suspend} {.spec.schedule}{\"\\n\"}'"),
                       eks("create job \(smokeJob) --from=\(ShellQuote.word("cronjob/" + workload.name)) --dry-run=server -o name")],
            rollback: "Nothing to undo: a check")
        add(.suspendSource, "Suspend \(context.label) on the source and let its running Job finish", context, after: [.smoke],
            commands: [RunbookLibrary.load, "# suspended, then waits until none of its Jobs is active:", CronJobIdle.suspend(source, ref: ref)],
            rollback: "Unsuspend it on the source", rollbackCommands: [source("patch \(ref) --type=merge -p \(Self.suspendFalse)")])
        // The first copy was taken while the source still ran it: its last runs wrote after that copy.
        let nodeCopy = Self.nodeCopy(context, before: before)
        var enableAfter: [PlanItemKey.Step] = [.suspendSource]
        if let nodeCopy, !nodeCopy.copies.isEmpty {
            add(.dataVerify, "Copy the node-local data of \(context.label) again now that its last run on the source has finished (before EKS's copy is unsuspended)",
                context, after: [.suspendSource], evidence: context.statefulReason ?? "", commands: nodeCopy.finalCopy(),
                rollback: "Nothing on the source changed; the claims keep this copy (the data item's rollback says how to remove them)",
                rollbackCommands: [eks("delete \(ShellQuote.word(nodeCopy.copyPod)) --ignore-not-found")])
            enableAfter = [.dataVerify]
        }
        let claims = nodeCopy?.copies.map(\.claim.name) ?? []
        add(.enable, "Unsuspend \(context.label) on EKS: from now on only EKS runs it", context, after: enableAfter,
            commands: CronJobEnable.commands(eks: eks, ref: ref, name: workload.name),
            rollback: "Suspend it on EKS first and wait until its Job there has finished, give the source a short starting deadline, then unsuspend it on the source"
                + (claims.isEmpty ? "" : "; what its EKS runs wrote to claim \(claims.joined(separator: ", ")) is on EKS only: copy it back to the source node first if the source needs it"),
            rollbackCommands: CronJobHandBack.rollback(eks: eks, ref: ref))
        switches = [Self.key(.enable, context)]
        addRetire(context)
    }

    /// The node copy of a CronJob's or Job's data, when its data step copies from the node.
    private static func nodeCopy(_ context: Context, before: [PlanItemKey.Step]) -> NodeDataCopy? {
        guard before == [.data], DataCopy(method: context.copyMethod, database: context.engine?.database).fromNode else { return nil }
        return NodeDataCopy(workload: context.workload, identity: context.copyIdentity)
    }

    private mutating func job(_ context: Context) {
        let workload = context.workload
        let source = Kubectl.source(workload.namespace), eks = Kubectl.eks(workload.namespace)
        add(.decide, "Decide whether \(context.label) runs again on EKS (one-off migrations and seeds usually must not)", context, after: [],
            evidence: context.deployEvidence,
            commands: [source("get \(Kubectl.ref(workload, on: .source)) -o jsonpath='{.status.succeeded} {.status.completionTime}{\"\\n\"}'")],
            rollback: "Nothing to undo: a decision (record it in the note)")
        let before = dataBeforeDeploy(context)
        entry = Self.key(.decide, context)
        add(.deploy, "Run \(context.label) on EKS if it was decided (skip this item otherwise)", context, after: [.decide] + before,
            commands: Self.deployCommands(context) + [eks("wait --for=condition=complete \(Kubectl.ref(workload, on: .eks)) --timeout=30m")],
            rollback: "Delete the Job from EKS (what it wrote stays: undo that by hand)", rollbackCommands: Self.deleteOnEKS(context))
        deploy = Self.key(.deploy, context)
        switches = [Self.key(.deploy, context)]
        addRetire(context)
    }
}
