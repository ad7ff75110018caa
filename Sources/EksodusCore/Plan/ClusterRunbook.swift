/// Phase three of one cluster's checklist: wave by wave, workload by workload, each workload's steps from `WorkloadSteps`,
/// linked by the dependency graph, then the waves' gates and closing items and the cluster's optimisation items. A cluster's
/// runbook names other clusters' items by key alone, so `Checklist.build` makes the clusters' runbooks side by side.
struct ClusterRunbook: Sendable {
    /// The items in the order made; `built` lists the positions in `items` in the checklist's order as built (the final
    /// ordering puts each after its prerequisites).
    var items: [PlanItem]
    var built: [Int]
    /// The cluster's wave-closing items, which the decommission waits for.
    var closes: [PlanItemKey]

    static func build(_ input: Checklist.ClusterInput, images: ImageMigration, imageEntries: [String: ImageMigration.Entry], target: KubernetesVersion,
                      region: String, assessedOn: String, cronTimeZones: [String: String]?, disrupting: Bool,
                      rehearsal: Checklist.Rehearsals = Checklist.Rehearsals()) -> ClusterRunbook {
        var items: [PlanItem] = []
        var built: [Int] = []
        func add(_ key: PlanItemKey, _ title: String, cluster: Int64? = nil, wave: Int? = nil,
                 after: [PlanItemKey] = [], evidence: String = "", commands: [String], rollback: String, rollbackCommands: [String] = [], proven: Bool = false) {
            built.append(items.count)
            items.append(PlanItem(key: key, title: title, clusterID: cluster, wave: wave, prerequisites: after, evidence: evidence, rollback: rollback,
                                  commands: commands, rollbackCommands: rollbackCommands, provenDone: proven))
        }
        func append(_ made: [PlanItem]) {
            built += items.count..<items.count + made.count
            items += made
        }
        let q = ShellQuote.word
        // Where each image moves to on ECR, by its normalized reference (none for one that stays or is refused).
        let movingTargets = imageEntries.compactMapValues { $0.method != .none && $0.method != .rejected ? $0.targetReference : nil }
        // Thousands of workloads run the same few hundred images: each reference is parsed once.
        var parsedImages: [String: (reference: ImageReference, normalized: String)] = [:]
        func parsed(_ image: String) -> (reference: ImageReference, normalized: String) {
            if let known = parsedImages[image] { return known }
            let reference = ImageReference(image)
            parsedImages[image] = (reference, reference.normalized)
            return (reference, reference.normalized)
        }
        func normalized(_ image: String) -> String { parsed(image).normalized }
        var imageDatabases: [String: ReferenceData.Database?] = [:]
        func database(_ image: String) -> ReferenceData.Database? {
            if let known = imageDatabases[image] { return known }
            let found = ReferenceData.bundled?.database(image: image)
            imageDatabases[image] = .some(found)
            return found
        }
        let c = input.estate.cluster
        // The namespaces whose SecretStore a wave with ExternalSecrets waits on (SecretsStore).
        let storeNamespaces = (input.secretReaders ?? SecretsStore.readers(input.estate)).map(\.namespace)
        let byID = Dictionary(input.estate.workloads.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let handles = Checklist.handles(input.estate.workloads, cluster: c.name)
        let storageByWorkload = Dictionary(grouping: input.storage.filter { $0.workloadID != nil }, by: { $0.workloadID ?? 0 })
        let withIdentityLabels = Set(input.identity.map(\.workload))
        let waveOf = Dictionary(input.placements.map { ($0.workload, $0.wave) }, uniquingKeysWith: { first, _ in first })
        let computeTargets = Dictionary(input.compute.placements.map { ($0.workload, $0.target) }, uniquingKeysWith: { first, _ in first })
        let order = Checklist.cycleOrder(input.placements, workloads: byID)
        let exposureIndex = Exposure.Index(input.estate, heldByPlan: Dictionary(input.network.compactMap { entry in
            entry.kind == "Ingress" && entry.cluster == c.name ? entry.held.map { ("\(entry.namespace)/\(entry.name)", $0) } : nil
        }, uniquingKeysWith: { first, _ in first }))
        let convertedFiles = ConvertedLayout.WorkloadFiles(input.estate)
        let networkPolicies = Dictionary(grouping: input.estate.resources(kind: "NetworkPolicy").map(NetworkPolicyRules.init), by: \.namespace)
        let edgesByConsumer = Dictionary(grouping: input.graph.edges, by: \.consumer)
        let edgesByProvider = Dictionary(grouping: input.graph.edges, by: \.provider)
        let sortName = handles.mapValues(\.description)
        let placed = input.placements.sorted { ($0.wave, order[$0.workload] ?? 0, sortName[$0.workload] ?? "") < ($1.wave, order[$1.workload] ?? 0, sortName[$1.workload] ?? "") }
        var steps: [Int64: WorkloadSteps] = [:]
        var dataOwners: [Int64: Int64] = [:]
        // By namespace and claim name: the first storage entry of that claim.
        var claimEntries: [String: [String: Int]] = [:]
        for (index, entry) in input.storage.enumerated() where entry.source == "pvc" && claimEntries[entry.namespace]?[entry.name] == nil {
            claimEntries[entry.namespace, default: [:]][entry.name] = index
        }
        for placement in placed {
            guard let workload = byID[placement.workload] else { continue }
            // A workload whose every claim another workload owns (a Job on a Deployment's claim) moves no data of its own:
            // it waits for that one's copy.
            let claimOwners = Set(workload.volumes.filter { $0.type == "persistentVolumeClaim" }.compactMap { volume in
                volume.reference.flatMap { claimEntries[workload.namespace]?[$0] }.flatMap { input.storage[$0].workloadID }
            })
            if storageByWorkload[workload.id] == nil, claimOwners.count == 1, let owner = claimOwners.first, owner != workload.id { dataOwners[workload.id] = owner }
        }
        let monitoringStores = Set(input.estate.workloads.filter { workload in
            waveOf[workload.id] != nil && PlatformAgents.isMonitoringStore(workload, reference: { parsed($0).reference })
        }.map(\.id))
        let withIdentity = Set(input.estate.workloads.filter { withIdentityLabels.contains($0.label) }.map(\.id))
        func isStateful(_ workload: Int64) -> Bool {
            input.assessment.profiles[workload]?.stateful == true && dataOwners[workload] == nil && !monitoringStores.contains(workload)
        }
        // Helm releases install their workloads in the wave of the earliest; a Job's decision to run again comes first
        // when it is in that wave (a later wave's decision waits for its own gate, which the install precedes).
        var releaseWave: [Int64: Int] = [:]
        for entry in HelmReleaseItems.reinstalled(input.estate, isSetApart: { input.assessment.systemWorkloads.contains($0.id) }) {
            guard let first = entry.workloads.compactMap({ waveOf[$0.id] }).min() else { continue }
            for workload in entry.workloads where waveOf[workload.id] != nil { releaseWave[workload.id] = first }
        }
        let releases = HelmReleaseItems.build(
            input, eksName: input.compute.eksClusterName, target: target, waveOf: waveOf,
            stateful: Set(placed.map(\.workload).filter { byID.index(forKey: $0) != nil && isStateful($0) }),
            installAfter: Dictionary(placed.compactMap { placement -> (Int64, [PlanItemKey])? in
                guard let workload = byID[placement.workload], workload.kind == "Job", releaseWave[workload.id] == placement.wave,
                      let handle = handles[workload.id] else { return nil }
                return (workload.id, [.workload(.decide, handle)])
            }, uniquingKeysWith: { first, _ in first }))
        let releaseItems = items.count..<items.count + releases.items.count
        append(releases.items)
        let exposures = Dictionary(placed.compactMap { placement in byID[placement.workload].map { (placement.workload, Exposure.of($0, index: exposureIndex)) } },
                                   uniquingKeysWith: { first, _ in first })
        let shared = SharedSwitches(placed: placed.map(\.workload), exposures: exposures, waveOf: waveOf, cluster: c.name,
                                    groups: Dictionary(input.network.filter { $0.kind == "Ingress" && $0.cluster == c.name }.compactMap { entry in entry.group.map { ("\(entry.namespace)/\(entry.name)", $0) } },
                                                       uniquingKeysWith: { first, _ in first }),
                                    sourceExternalDNS: SharedSwitches.sourceRunsExternalDNS(input.estate))
        // ConfigMap values, read only where a RabbitMQ broker's consumers may name its vhosts in them.
        let hasBroker = placed.contains { byID[$0.workload].flatMap { WorkloadSteps.Engine.of($0, database: database) }?.database.name == "rabbitmq" }
        let configMapValues: [String: [String]] = hasBroker ? Dictionary(input.estate.resources(kind: "ConfigMap").map { resource in
            ("\(resource.namespace)/\(resource.name)", (resource.body["data"]?.entries ?? []).compactMap { $0.value.string })
        }, uniquingKeysWith: { first, _ in first }) : [:]
        let autoscalersByTarget = SourceAutoscalers.byTarget(input.estate)
        // Elasticsearch copies that snapshot restores fill until their promotion (`ElasticsearchSnapshot`).
        var restoredUntilPromotion: Set<Int64> = []
        for placement in placed {
            guard let workload = byID[placement.workload], let handle = handles[workload.id] else { continue }
            let profile = input.assessment.profiles[workload.id]
            let providerEdges = edgesByConsumer[workload.id] ?? []
            let consumerWorkloads = Set((edgesByProvider[workload.id] ?? []).filter { waveOf[$0.consumer] != nil }.map(\.consumer))
                .compactMap { byID[$0] }.sorted { $0.label < $1.label }
            let consumers = consumerWorkloads.map(\.label)
            let targets = workload.containers.compactMap { container -> (container: String, target: String)? in
                guard let image = container.image, let target = movingTargets[normalized(image)] else { return nil }
                return (container.name, target)
            }
            var exposure = exposures[workload.id] ?? Exposure.of(workload, index: exposureIndex)
            exposure.handOver(shared.frontendsHandedOver(by: workload.id))
            var context = WorkloadSteps.Context(
                workload: workload, handle: handle, clusterID: c.id, clusterName: c.name, wave: placement.wave,
                exposure: exposure, stateful: isStateful(workload.id),
                statefulReason: profile?.statefulReason,
                copyMethod: storageByWorkload[workload.id]?.first?.copyMethod, images: targets, consumers: consumers, consumerWorkloads: consumerWorkloads,
                deployEvidence: ([placement.reason] + providerEdges.map(\.evidence)).joined(separator: "; "),
                freshMonitoring: monitoringStores.contains(workload.id), release: releases.installs[workload.id], engine: WorkloadSteps.Engine.of(workload, database: database))
            context.sharedSwitches = shared.switches(of: workload.id)
            context.networkPolicies = networkPolicies[workload.namespace] ?? []
            context.convertedFiles = convertedFiles
            context.sourceAutoscalers = autoscalersByTarget[SourceAutoscalers.key(workload)] ?? []
            context.sourceExternalDNS = shared.sourceExternalDNS
            context.computeTarget = computeTargets[context.label]
            context.claimSizes = Dictionary((storageByWorkload[workload.id] ?? []).compactMap { entry in
                entry.source == "pvc" ? entry.sizeBytes.map { (entry.name, $0) } : nil
            }, uniquingKeysWith: max)
            // Who its copy pods write as; only a workload whose data is copied has any (its body is parsed here alone).
            let writers = NodeDataCopy.writers(of: workload)
            if context.stateful || !writers.isEmpty {
                context.copyIdentity = CopyPodSecurity.Identity.of(input.estate.resource(id: workload.resourceID)?.body, kind: workload.kind,
                                                                   containers: [context.engine?.container.name].compactMap { $0 } + writers)
            }
            if workload.kind == "CronJob", let manifest = input.estate.resource(id: workload.resourceID)?.body {
                context.cronTimeZone = CronJobTimeZone.conversion(manifest, decided: CronJobTimeZone.zone(for: c.name, in: cronTimeZones), target: target)
            }
            if context.engine?.database.name == "rabbitmq", let broker = exposure.services.first?.resource.name {
                context.brokerVirtualHosts = AMQPVirtualHosts.used(by: consumerWorkloads, broker: broker) { namespace, name in
                    configMapValues["\(namespace)/\(name)"]
                }
            }
            if context.engine?.database.name == "rabbitmq" {
                context.brokerVirtualHosts.clustering = RabbitMQClustering.of(workload) { namespace, name in configMapValues["\(namespace)/\(name)"] }
            }
            steps[workload.id] = WorkloadSteps.build(context, into: &items)
            if context.stateful, let engine = context.engine, ElasticsearchSnapshot.restoredUntilPromotion(DataCopy(method: context.copyMethod, database: engine.database)) {
                restoredUntilPromotion.insert(workload.id)
            }
        }
        // The step from which a provider's EKS copy holds its data and takes writes. A copied database deploys empty, as a
        // read-only replica or stopped (a standby) and only becomes the primary at its promotion (replication) or once its
        // restored data is verified (a one-shot copy after the freeze): a consumer started before that crash-loops, fails
        // its startup migrations on a replica (a PostgreSQL hot standby's connections "are strictly read-only; not even
        // temporary tables may be written", PostgreSQL docs, Hot Standby, User's Overview:
        // https://www.postgresql.org/docs/current/hot-standby.html), or creates an empty schema the copy then collides
        // with. nil for a provider whose data is not copied (its deploy is enough).
        func takingWrites(_ provider: Int64) -> PlanItemKey? {
            guard let theirs = steps[provider], let primary = theirs.primary else { return nil }
            if primary.step == .promote { return primary }
            return theirs.keys.first { $0.step == .dataVerify } ?? primary
        }
        // What convert holds back for a masked credential: the deploy waits for the decision (MaskedCredentialsDecision).
        let heldBack = MaskedCredentialsDecision.held(input.estate, workloads: placed.compactMap { releases.installs[$0.workload] == nil ? byID[$0.workload] : nil })
        var decisionPositions: [Int64: [Int]] = [:]
        for placement in placed {
            guard let held = heldBack[placement.workload], let workload = byID[placement.workload], let handle = handles[workload.id] else { continue }
            decisionPositions[workload.id, default: []].append(items.count)
            items.append(MaskedCredentialsDecision.item(workload, handle: handle, clusterID: c.id, cluster: c.name, wave: placement.wave, held: held, files: convertedFiles))
        }
        // A controller release EKS's target is outside of (PLT007): the deploy waits for the release decision.
        let releaseDecisions = ReferenceData.bundled.map {
            ControllerReleaseDecision.flagged(input.assessment.findings, workloads: byID, reference: $0, target: target, date: assessedOn)
        } ?? [:]
        for placement in placed {
            guard let flagged = releaseDecisions[placement.workload], let workload = byID[placement.workload], let handle = handles[workload.id] else { continue }
            decisionPositions[workload.id, default: []].append(items.count)
            items.append(ControllerReleaseDecision.item(workload, handle: handle, clusterID: c.id, cluster: c.name, wave: placement.wave, target: target,
                                                        controller: flagged.controller, supported: flagged.supported, files: convertedFiles))
        }
        // Links between workloads, from the graph. Members of one cycle never wait on each other: they follow the stated order.
        let cycleOf = Dictionary(input.placements.compactMap { p in p.cycle.map { (p.workload, $0) } }, uniquingKeysWith: { first, _ in first })
        var previousInCycle: [Int: Int64] = [:]
        var ingressGroupsOf: [Int64: [Int]] = [:]
        var switchAfterOf: [Int64: [PlanItemKey]] = [:]
        for (index, group) in input.graph.ingressGroups.enumerated() {
            for member in Set(group) { ingressGroupsOf[member, default: []].append(index) }
        }
        for placement in placed {
            guard let own = steps[placement.workload] else { continue }
            var deployAfter: [PlanItemKey] = []
            if let owner = dataOwners[placement.workload], let ownerHandle = handles[owner] { deployAfter.append(.workload(.data, ownerHandle)) }
            if let release = releases.installs[placement.workload] { deployAfter.append(release.key) }
            if heldBack[placement.workload] != nil, let handle = handles[placement.workload] { deployAfter.append(.workload(.credentials, handle)) }
            if releaseDecisions[placement.workload] != nil, let handle = handles[placement.workload] { deployAfter.append(.workload(.release, handle)) }
            var switchAfter: [PlanItemKey] = []
            var deployNotes: [String] = []
            for provider in Set((edgesByConsumer[placement.workload] ?? []).map(\.provider)).sorted() {
                guard let theirs = steps[provider], (waveOf[provider] ?? 0) <= placement.wave else { continue }
                if let cycle = cycleOf[placement.workload], cycleOf[provider] == cycle { continue }
                // What works on its own from its first minute (a platform agent such as a log shipper, or a workload
                // nothing calls and no traffic reaches) writes into its provider as soon as it runs: into an
                // Elasticsearch copy that restores still fill, that write makes the final restore fail on an open
                // index (or the counts never match). It starts once that copy is promoted.
                // A CronJob deploys suspended and runs only at its unsuspend, a switch: that waits for the primary below.
                if byID[placement.workload]?.kind != "CronJob", let ready = takingWrites(provider) {
                    deployAfter.append(ready)
                    let label = byID[provider]?.label ?? "?"
                    if restoredUntilPromotion.contains(provider),
                       (edgesByProvider[placement.workload] ?? []).isEmpty && own.switches.allSatisfy({ $0.step == .verify })
                        || byID[placement.workload].flatMap(PlatformAgents.role) != nil {
                        deployNotes.append("starts after \(ready): it writes into \(label) on its own, which snapshot restores fill until then")
                    } else {
                        deployNotes.append("starts after \(ready), not after \(label)'s deploy: only from then does the EKS copy of \(label) hold the copied data and take writes"
                                           + " (before it, it is empty, restoring or a read-only replica)")
                    }
                    // Every link to it a guess: the order rests on it, so the engineer checks it first.
                    let links = (edgesByConsumer[placement.workload] ?? []).filter { $0.provider == provider }
                    if !links.isEmpty, links.allSatisfy({ $0.guess != nil }), let guess = links.first?.guess {
                        deployNotes.append("that it uses \(label) is a guess (\(guess)): check it before relying on this order")
                    }
                } else if let deploy = theirs.deploy { deployAfter.append(deploy) }
                if let primary = theirs.primary { switchAfter.append(primary) }
            }
            if let cycle = cycleOf[placement.workload] {
                if let previous = previousInCycle[cycle], let deploy = steps[previous]?.deploy { deployAfter.append(deploy) }
                previousInCycle[cycle] = placement.workload
            }
            // One Ingress host switches only once every backend behind it answers on EKS.
            for group in ingressGroupsOf[placement.workload] ?? [] {
                for other in input.graph.ingressGroups[group] where other != placement.workload {
                    switchAfter += (steps[other]?.keys ?? []).filter { $0.step == .smoke }
                }
            }
            switchAfterOf[placement.workload] = switchAfter
            var retireAfter: [PlanItemKey] = []
            for consumer in Set((edgesByProvider[placement.workload] ?? []).map(\.consumer)).sorted() {
                if let theirs = steps[consumer], (waveOf[consumer] ?? 0) >= placement.wave { retireAfter += theirs.switches }
            }
            let sharedSwitches = shared.switches(of: placement.workload)
            let gate = PlanItemKey.wave(.gate, cluster: c.name, placement.wave)
            for (index, key) in zip(own.range, own.keys) {
                // Taken out of the item and put back: reading it would copy the whole item, and share the list it extends.
                var after: [PlanItemKey] = []
                swap(&after, &items[index].prerequisites)
                // The source copy goes only once every shared name reaching it (`SharedSwitches`) has switched.
                if key == own.retire { after += sharedSwitches }
                if own.ahead.contains(key) {
                    after.insert(.plan(.cluster, cluster: c.name), at: 0)
                } else if key == own.entry || after.isEmpty {
                    after.insert(contentsOf: [gate, .wave(.images, cluster: c.name, placement.wave), .wave(.apply, cluster: c.name, placement.wave),
                                              .plan(.platform, cluster: c.name)], at: 0)
                    if withIdentity.contains(placement.workload) { after.append(.plan(.identity, cluster: c.name)) }
                }
                if key == own.deploy {
                    after += deployAfter
                    if !deployNotes.isEmpty { items[index].evidence += (items[index].evidence.isEmpty ? "" : "; ") + deployNotes.joined(separator: "; ") }
                }
                if own.switches.contains(key) { after += switchAfter }
                if key == own.retire { after += retireAfter }
                items[index].prerequisites = Checklist.unique(after)
            }
        }

        // A release installs after the deploys of what its workloads call outside it, as their own deploys would have,
        // unless that deploy waits for the install itself (it calls a workload of the release).
        // Only a cluster with a release to install needs what every item waits for (the workloads' steps and the releases' items).
        var prerequisitesOf: [PlanItemKey: [PlanItemKey]] = [:]
        if releaseItems.contains(where: { items[$0].key.step == .helmInstall }) {
            for range in steps.values.map(\.range) + [releaseItems] {
                for index in range where prerequisitesOf[items[index].key] == nil { prerequisitesOf[items[index].key] = items[index].prerequisites }
            }
        }
        for index in releaseItems where items[index].key.step == .helmInstall && items[index].clusterID == c.id {
            let key = items[index].key
            let members = Set(releases.installs.filter { $0.value.key == key }.map(\.key))
            var after = items[index].prerequisites
            for member in members.sorted() {
                for provider in Set((edgesByConsumer[member] ?? []).map(\.provider)).sorted() where !members.contains(provider) {
                    // What the release's workloads call must take writes first, as for their own deploys.
                    guard let deploy = takingWrites(provider) ?? steps[provider]?.deploy, (waveOf[provider] ?? Int.max) <= (items[index].wave ?? 0),
                          !Checklist.reaches(deploy, key, prerequisitesOf) else { continue }
                    after.append(deploy)
                }
            }
            items[index].prerequisites = Checklist.unique(after)
            prerequisitesOf[key] = items[index].prerequisites
        }

        // Waves: images, a go/no-go gate, the workloads' steps, a rollback rehearsal after the first, a closing item.
        let waves = Set(input.placements.map(\.wave)).sorted()
        let firstApplicationWave = waves.first { $0 > 0 }
        var clusterCloses: [PlanItemKey] = []
        let membersByWave = Dictionary(grouping: placed, by: \.wave)
        for wave in waves {
            let members = membersByWave[wave] ?? []
            let workloads = members.compactMap { byID[$0.workload] }
            let waveImages = Set(workloads.flatMap { $0.containers.compactMap(\.image) }.map(normalized)).sorted()
            let copies = waveImages.compactMap { imageEntries[$0] }.filter { $0.method == .copy }
            add(.wave(.images, cluster: c.name, wave), "Copy the \(waveImages.count) images of \(c.name) wave \(wave) to ECR", cluster: c.id, wave: wave,
                after: [.plan(.ecr)], evidence: workloads.map(\.label).joined(separator: ", "),
                commands: ["aws ecr get-login-password --region \(q(region)) | skopeo login --username AWS --password-stdin \(q(images.registryHost))"]
                    + copies.map { "skopeo copy --all --preserve-digests \(q("docker://" + $0.copySourceReference)) \(q("docker://" + images.registryHost + "/" + $0.repository + ":" + $0.copyTargetTag))" }
                    + (waveImages.count > copies.count ? ["# \(waveImages.count - copies.count) images come through the pull-through cache on first pull"] : []),
                rollback: "Nothing to undo: the source registry is untouched")
            // Wave 0 (platform agents) may bring the observability stack itself; application waves need it running.
            var gateAfter: [PlanItemKey] = [.plan(.platform, cluster: c.name), .plan(.secrets, cluster: c.name)]
            if wave > 0 { gateAfter += [.plan(.observability, cluster: c.name), .plan(.cicd, cluster: c.name)] }
            // The DNS TTLs of the wave's switches were lowered days ahead; the switches themselves check the old TTL expired.
            gateAfter += members.flatMap { steps[$0.workload]?.ahead ?? [] } + shared.lowerings(inWave: wave)
            // A release of the wave whose chart version is still to choose holds the whole wave.
            gateAfter += releases.gateWaits[wave] ?? []
            if let previous = waves.last(where: { $0 < wave }) {
                // A shared name switches in its last backend's wave: a name of a later wave does not hold this gate.
                gateAfter += (membersByWave[previous] ?? []).flatMap { steps[$0.workload]?.switches ?? [] }.filter { shared.isSwitched(by: $0, inOrBefore: previous) }
                if previous == firstApplicationWave { gateAfter.append(.cutover(.rehearsal, cluster: c.name)) }
            }
            // A higher environment's first application wave starts once the lowest one rehearsed its rollbacks.
            if wave == firstApplicationWave { gateAfter += rehearsal.waitFor.map { .cutover(.rehearsal, cluster: $0) } }
            add(.wave(.gate, cluster: c.name, wave), "Go/no-go for \(c.name) wave \(wave): \(workloads.count) workloads; owners on call, rollback steps read, dashboards green",
                cluster: c.id, wave: wave, after: Checklist.unique(gateAfter), evidence: workloads.map(\.label).joined(separator: ", "),
                commands: ["eksodus cutover status --cluster \(q(c.name)) --wave \(wave)", "eksodus report cutover --cluster \(q(c.name)) --out reports/"],
                rollback: "No-go: nothing of this wave has started; record why in the note")
            // What the wave's workloads use, from `eksodus convert`, before the first of them deploys.
            let support = "converted/\(ConvertedLayout.folderName(c.name))/wave-\(wave)/\(ConvertedLayout.supportFolder)"
            add(.wave(.apply, cluster: c.name, wave),
                "Apply what \(c.name) wave \(wave)'s workloads use on EKS: configuration, ExternalSecrets, claims, Services, RBAC (eksodus convert)",
                cluster: c.id, wave: wave, after: [.wave(.gate, cluster: c.name, wave)], evidence: "the wave's support/ folder of eksodus convert",
                // An ExternalSecret applied before its store is Ready never fills its Secret: the store is checked first.
                commands: ["eksodus convert --cluster \(q(c.name)) --wave \(wave) --out converted",
                           "! grep -rqsxE 'kind: \"?ExternalSecret\"?' \(q(support)) || "
                               + SecretsStore.readyCheck(context: "\"$EKS_CONTEXT\"", namespaces: storeNamespaces),
                           "[ ! -d \(q(support)) ] || kubectl --context \"$EKS_CONTEXT\" apply -k \(q(support))"],
                rollback: "Delete what it applied; no workload of the wave uses it yet",
                rollbackCommands: ["[ ! -d \(q(support)) ] || kubectl --context \"$EKS_CONTEXT\" delete -k \(q(support))"])
            for member in members {
                built += decisionPositions[member.workload] ?? []
                built += steps[member.workload]?.range ?? 0..<0
            }
            append(shared.items(inWave: wave, clusterID: c.id, steps: steps, switchAfter: switchAfterOf, workloads: byID))
            let switches = Checklist.unique(members.flatMap { steps[$0.workload]?.switches ?? [] }.filter { shared.isSwitched(by: $0, inOrBefore: wave) })
            if wave == firstApplicationWave {
                let chosen = RollbackRehearsal.choose(workloads, steps: steps, lowestEnvironment: rehearsal.lowestEnvironment)
                add(.cutover(.rehearsal, cluster: c.name),
                    chosen.map { "Rehearse the rollback of \(c.name) wave \(wave) on \($0.workload.label): " + ($0.withPromotion ? "its promotion and switches" : "its switches") + " rolled back, then forward again" }
                        ?? "Rehearse the rollback of \(c.name) wave \(wave): run one workload's rollback steps, then switch it forward again",
                    cluster: c.id, wave: wave, after: Checklist.unique(switches + (chosen?.move ?? [])), evidence: chosen?.evidence ?? "before any later wave depends on the rollback working",
                    commands: chosen?.commands ?? ["eksodus cutover show " + q((switches.first ?? .wave(.gate, cluster: c.name, wave)).description) + "  # follow its rollback, then its commands again"],
                    rollback: "Nothing to undo: the rehearsal ends switched forward")
            }
            let retires = members.compactMap { steps[$0.workload]?.retire }
            add(.wave(.close, cluster: c.name, wave), "Close \(c.name) wave \(wave): every source copy of the wave retired, its rollback window over",
                cluster: c.id, wave: wave, after: retires + (wave == firstApplicationWave ? [.cutover(.rehearsal, cluster: c.name)] : []),
                evidence: "source copies are retired only after their consumers in later waves switched",
                commands: ["eksodus cutover status --cluster \(q(c.name)) --wave \(wave)"],
                rollback: "Reopen the wave's retire steps and scale the source copies back up")
            clusterCloses.append(.wave(.close, cluster: c.name, wave))
        }
        guard !clusterCloses.isEmpty else { return ClusterRunbook(items: items, built: built, closes: []) }
        let spot = input.compute.nodeGroups.filter(\.spot).count
        let eks = Kubectl.eks(nil)
        // What plan:addons installed: metrics-server (kubectl top) and Container Insights (history); no VPA, no Karpenter.
        add(.optimize(.rightsize, cluster: c.name), "Right-size requests of \(c.name)'s workloads from observed use (metrics-server now, Container Insights over the weeks since the move)",
            cluster: c.id, after: clusterCloses, evidence: "\(input.assessment.findings.filter { $0.checkID == "AVL008" }.count) containers without requests or limits",
            commands: [eks("top pods -A --containers"),
                       ShellQuote.comment("and each workload's busiest two weeks: CloudWatch Container Insights, Performance monitoring, pod CPU and memory of \(input.compute.eksClusterName)")],
            rollback: "Re-apply the previous requests (kubectl rollout undo)")
        add(.optimize(.autoscaling, cluster: c.name), "Enable \(input.compute.autoscaler) and HPAs for \(c.name)'s workloads on EKS", cluster: c.id,
            after: [.optimize(.rightsize, cluster: c.name)] + (disrupting ? [.plan(.disruption, cluster: c.name)] : []),
            commands: [eks("get hpa -A"), Kubectl.eks("kube-system")("get configmap cluster-autoscaler-status -o jsonpath='{.data.status}'  # the autoscaler's view of every node group")]
                + PlatformCharts.autoscalingChecks().dropFirst(),
            rollback: "Scale the autoscaler to zero and pin the node group sizes (eksctl scale nodegroup)")
        add(.optimize(.spot, cluster: c.name), "Move tolerant workloads of \(c.name) to Spot capacity", cluster: c.id,
            after: [.optimize(.autoscaling, cluster: c.name)], evidence: spot > 0 ? "a Spot node group is planned" : "no Spot group planned yet",
            commands: ["eksctl get nodegroup --cluster \(q(input.compute.eksClusterName))"], rollback: "Move them back to on-demand nodes")
        return ClusterRunbook(items: items, built: built, closes: clusterCloses)
    }
}
