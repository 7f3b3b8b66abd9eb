import Foundation
import ProvenanceLog
import WinnowCore
import Workspace

/// One output of a mix as composed: the stage it is (nil for a mix of one output) and the
/// judge cut it was built with.
struct MixOutput {
    var stage: String?
    var composition: MixComposition
    var judge: MixJudgeCut?
}

extension MixBuilder {
    /// Composes and writes a mix into `target` (which must not exist) through a temporary
    /// sibling folder renamed into place. Nothing is logged (`mix verify` uses this too).
    /// `scanMustBeAt`: for a new mix, the position its checks ran at; the row scan refuses a
    /// workspace that moved since or has rows pending gates (checked inside the scan's read).
    /// `recorded`: nil reads the lineage from winnow.toml and the mixes it names and calibrates
    /// judge cuts (a new mix); a rebuild passes the manifest, and what it recorded is used.
    func render(_ spec: MixSpec, options: MixOptions, index: RowIndex, head: (seq: Int, hash: String),
                into target: String, scanMustBeAt: (seq: Int, hash: String)? = nil,
                recorded: MixManifest? = nil) throws -> (MixManifest, MixReport) {
        let outputs = try compose(spec, options: options, index: index, scanMustBeAt: scanMustBeAt, recorded: recorded)
        let parent = (target as NSString).deletingLastPathComponent
        Self.removeAbandoned(in: parent.isEmpty ? "." : parent)
        let temp = (parent.isEmpty ? "." : parent) + "/.\((target as NSString).lastPathComponent).tmp-\(getpid())"
        do {
            try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        } catch { throw MixError.io(path: temp, action: "create the mix folder", errno: errno) }
        do {
            var timing = PhaseTiming.mix()
            // The report's one query runs on its own connection while the rows are written.
            let verdicts = ConcurrentSlots<Result<MixReport.GeneratorVerdicts, Error>>(count: 1)
            let background = DispatchGroup()
            let shared = MixBox(index)
            DispatchQueue.global().async(group: background) {
                verdicts.set(0, Result { try shared.value.generatorVerdictCounts() })
            }
            var hashes: [String: String] = [:]
            for output in outputs {
                let folder = output.stage.map { temp + "/" + $0 } ?? temp
                if output.stage != nil {
                    do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false) } catch {
                        throw MixError.io(path: folder, action: "create the stage's folder", errno: errno)
                    }
                }
                var writer = MixWriter(paths: session.paths, index: index, composition: output.composition,
                                       stripProvenance: options.stripProvenance)
                writer.fastPaths = options.fastPaths
                for (name, hash) in try writer.write(into: folder) { hashes[output.stage.map { $0 + "/" + name } ?? name] = hash }
            }
            timing.mark("write the data")
            background.wait()
            let generatorVerdicts = try verdicts.get(0)!.get()
            let reports = outputs.map { MixReport(composition: $0.composition, generatorVerdicts: generatorVerdicts) }
            let report = spec.stages.isEmpty ? reports[0]
                : MixReport(name: spec.name, stages: zip(spec.stages, zip(outputs, reports)).map { ($0, $1.0.judge, $1.1) })
            timing.mark("report")
            let single = outputs.count == 1 && outputs[0].stage == nil ? outputs[0].composition.pool.lineageUse : nil
            let manifest = MixManifest(
                name: spec.name, tool: "winnow \(WinnowVersion.current)", seed: spec.seed, specPath: spec.path,
                specText: spec.text, specHash: spec.hash, defaults: session.config.mix, configHash: session.config.configHash,
                headSeq: head.seq, headHash: head.seq == 0 ? LogEntry.genesisHash : head.hash,
                sources: Self.sources(outputs), format: spec.stages.isEmpty ? spec.format.rawValue : "staged",
                stripProvenance: options.stripProvenance, bestEffort: options.bestEffort, outputs: hashes,
                counts: report.json, lineage: single.flatMap { $0.isEmpty ? nil : $0 },
                stages: spec.stages.isEmpty ? [] : outputs.map { output in
                    let use = output.composition.pool.lineageUse
                    return MixManifest.Stage(name: output.stage ?? "", format: output.composition.spec.format.rawValue,
                                             rows: output.composition.spec.rows.rawValue, lineage: use.isEmpty ? nil : use,
                                             judge: output.judge)
                },
                judge: spec.stages.isEmpty ? outputs[0].judge : nil)
            try Self.writeFile(temp + "/manifest.json", manifest.fileBytes)
            try Self.writeFile(temp + "/report.md", Array(report.markdown.utf8))
            guard rename(temp, target) == 0 else { throw MixError.io(path: target, action: "move the finished mix into place", errno: errno) }
            return (manifest, report)
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw error
        }
    }

    /// Every output's composition. The stages of a staged mix share one scan of the index and
    /// each narrows it to its own rows (`MixPool.narrowed`).
    func compose(_ spec: MixSpec, options: MixOptions, index: RowIndex, scanMustBeAt: (seq: Int, hash: String)?,
                 recorded: MixManifest?) throws -> [MixOutput] {
        var timing = PhaseTiming.mix()
        let live = try recorded == nil ? MixLineage.read(config: session.config, root: session.paths.root) : nil
        timing.mark("read the lineage")
        func lineage(_ stage: String?) -> MixLineageSource {
            live.map(MixLineageSource.live) ?? .recorded(recorded?.lineage(stage: stage) ?? MixLineageUse())
        }
        func judge(_ spec: MixSpec, stage: String?) throws -> MixJudgeCut? {
            guard spec.rows == .judgeKept else { return nil }
            guard let recorded else {
                return try MixJudge.calibrate(index: index, precisionTarget: session.config.review.judgePrecision,
                                              location: spec.rowsLocation ?? SourceLocation(file: spec.path))
            }
            guard let known = stage == nil ? recorded.judge : recorded.stages.first(where: { $0.name == stage })?.judge else {
                throw MixError.manifest(path: "manifest.json", reason: (stage.map { "stage \($0)" } ?? "the mix")
                    + " takes judge-kept rows and its judge cut is not recorded")
            }
            return known
        }
        let scanLineage: MixLineageSource = live.map(MixLineageSource.live)
            ?? .recorded(MixLineageUse(generations: (recorded?.stages.compactMap(\.lineage) ?? [])
                .reduce(into: recorded?.lineage?.generations ?? [:]) { all, use in all.merge(use.generations) { a, _ in a } }))
        let scanned = try MixPool.load(index: index, config: session.config, spec: spec, lineage: scanLineage,
                                       logPath: session.paths.log, displayLog: session.paths.display(session.paths.log), head: scanMustBeAt)
        timing.mark("read the index")
        if let recorded, recorded.stages.map(\.name) != spec.stages.map(\.name) {
            throw MixError.manifest(path: "manifest.json", reason: "it records the stages [\(recorded.stages.map(\.name).joined(separator: ", "))] "
                + "and its spec names [\(spec.stages.map(\.name).joined(separator: ", "))]: the manifest was edited")
        }
        let wanted = spec.stages.isEmpty ? [(nil, spec)] : spec.stages.map { (Optional($0.name), $0.spec) }
        return try wanted.map { stage, spec in
            let cut = try judge(spec, stage: stage)
            timing.mark("calibrate the judge")
            let pool = scanned.narrowed(for: spec, judge: cut, lineage: lineage(stage))
            timing.mark("narrow to the output")
            let composition: MixComposition
            do {
                composition = try MixComposition.compose(pool: pool, config: session.config, spec: spec, bestEffort: options.bestEffort)
            } catch let MixError.infeasible(binding, short, detail) where stage != nil {
                throw MixError.infeasible(binding: "stage \(stage!): \(binding)", shortBy: short, detail: detail)
            }
            return MixOutput(stage: stage, composition: composition, judge: cut)
        }
    }

    /// The sources any output draws from, by hash.
    static func sources(_ outputs: [MixOutput]) -> [(sha: String, file: String)] {
        var all: [Int32: (sha: String, file: String)] = [:]
        for output in outputs { all.merge(output.composition.pool.sources) { a, _ in a } }
        return all.values.sorted { $0.sha < $1.sha }
    }
}
