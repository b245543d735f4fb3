import Testing
import Transport

@Suite struct BackoffTests {
    @Test func backoffGrowsIsCappedAndJittered() {
        var generator = SystemRandomNumberGenerator()
        var backoff = Backoff(base: .milliseconds(500), cap: .seconds(8))
        var delays: [Duration] = []
        for _ in 0..<10 { delays.append(backoff.nextDelay(using: &generator)) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(8) })
        #expect(delays[0] <= .milliseconds(500))
        #expect(Set(delays).count > 1)  // jitter: not all the same
        backoff.reset()
        #expect(backoff.attempt == 0)
    }
}
