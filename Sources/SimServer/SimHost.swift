import AWSSimulator
import Foundation

/// Owns the current world and its timeline. Loading a scenario or resetting
/// builds both afresh (the world reads time through a closure over its timeline).
actor SimHost {
    private(set) var world: SimWorld
    private(set) var timeline: SimTimeline
    private var scenario: SimScenario
    private let scale: Double
    private let seed: UInt64?

    init(scenario: SimScenario, scale: Double, seed: UInt64?) throws(SimScenarioError) {
        var scenario = scenario
        if let seed { scenario.seed = seed }
        let timeline = SimTimeline(start: scenario.startDate ?? Date(timeIntervalSince1970: 0), scale: scale)
        self.world = try SimWorld(scenario: scenario, now: { timeline.now })
        self.timeline = timeline
        self.scenario = scenario
        self.scale = scale
        self.seed = seed
    }

    /// Hosts a world built elsewhere, on its own clock (the in-process transport): the timeline
    /// is unused, since nothing advances time through the admin endpoints.
    init(world: SimWorld) async {
        self.world = world
        self.scenario = await world.currentScenario
        self.timeline = SimTimeline(start: scenario.startDate ?? Date(timeIntervalSince1970: 0), scale: 0)
        self.scale = 0
        self.seed = nil
    }

    /// Replaces the world with `scenario`; time restarts at its `start`.
    func load(_ scenario: SimScenario) throws(SimScenarioError) {
        var scenario = scenario
        if let seed { scenario.seed = seed }
        let timeline = SimTimeline(start: scenario.startDate ?? Date(timeIntervalSince1970: 0), scale: scale)
        world = try SimWorld(scenario: scenario, now: { timeline.now })
        self.timeline = timeline
        self.scenario = scenario
    }

    /// Rebuilds the world from the current scenario: resources, calls, faults and time.
    func reset() throws(SimScenarioError) { try load(scenario) }

    /// Moves time forward and returns the new simulated date.
    func advance(seconds: Double) -> Date {
        timeline.advance(seconds: seconds)
        return timeline.now
    }
}
