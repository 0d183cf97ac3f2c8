import Messaging
import Testing
import Wire

@Suite struct RememberedAnswersTests {
    @Test func keepsTheLastAnswersAndForgetsTheOldestFirst() {
        var answers = RememberedAnswers<String>(capacity: 2)
        let (a, b, c) = (MessageID(prefix: 1, counter: 1), MessageID(prefix: 1, counter: 2), MessageID(prefix: 1, counter: 3))
        answers.remember("first", for: a)
        answers.remember("second", for: b)
        answers.remember("again", for: a)  // the same id again: no new place taken
        #expect(answers[a] == "again")
        answers.remember("third", for: c)
        #expect(answers[a] == nil, "the oldest id is forgotten first")
        #expect(answers[b] == "second" && answers[c] == "third")
        #expect(answers.count == 2)
    }
}
