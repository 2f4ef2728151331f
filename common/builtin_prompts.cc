#include "common/builtin_prompts.h"

namespace llmload {

// Written for llmload (no third-party text). Ordered by length so that per-prompt results
// read as a latency-versus-input-size curve; each has its own topic so that no two prompts
// share a long common prefix a server could cache across them.
const std::vector<Prompt>& BuiltinPrompts() {
  static const std::vector<Prompt> kPrompts = {
      // Science, one sentence.
      {"builtin-1",
       R"(Explain in simple terms why the sky looks blue on a clear afternoon but turns red and orange at sunset.)"},

      // Cooking.
      {"builtin-2",
       R"(Summarize the following cooking tip in one sentence. When making a risotto, warm the stock in a separate pan before you start, then add it to the rice one ladle at a time, stirring often, so the grains release their starch and the dish turns creamy without any cream.)"},

      // Travel.
      {"builtin-3",
       R"(Summarize this travel note for a friend who has never taken a night train. I boarded the sleeper late in the evening with a small bag, a bottle of water and a paper map. The cabin had four narrow bunks, a folding table and a window that would not quite close. I slept badly at first, then woke at dawn to mountains, fog over a long lake and a conductor selling coffee from a trolley. We arrived forty minutes late, but nobody on board seemed to mind at all.)"},

      // Personal finance.
      {"builtin-4",
       R"(Explain the following passage in plain language for someone opening their first savings account, then list the two most important points. Compound interest means that the interest you earn is added to your balance, and the next period's interest is calculated on that larger amount. Over a few months the difference is tiny, but over twenty or thirty years it becomes large, which is why starting early matters more than starting with a big sum. Fees and inflation work in the opposite direction: a fund that charges two percent a year can quietly consume a large share of long-term growth, and money that earns less than inflation loses purchasing power even while the number on the statement keeps going up.)"},

      // Health.
      {"builtin-5",
       R"(Summarize the following text in three bullet points for a workplace newsletter. Sleep is not simply a time when the body switches off. During the night the brain cycles through lighter and deeper stages several times, and each stage seems to do different work: deep sleep is linked to physical recovery and to the consolidation of facts, while the dreaming stage appears to help with emotional memory and problem solving. Adults who regularly sleep less than about seven hours tend to report poorer concentration, and studies associate long-term short sleep with higher risks of weight gain, high blood pressure and low mood. A few simple habits help most people: going to bed and getting up at similar times every day, keeping the bedroom dark, quiet and cool, avoiding heavy meals and caffeine late in the day, and putting screens away for a while before trying to fall asleep.)"},

      // Software engineering.
      {"builtin-6",
       R"(Read the following account of a bug investigation and summarize it for a non-technical manager in one short paragraph, explaining what went wrong, why it was hard to find and what was changed. Our order service started returning occasional timeouts after a routine release, but only during the busiest hour of the day and never in the test environment. The first suspect was the database, yet its query times looked normal throughout. After adding more detailed logging, the team noticed that every timed-out request had waited a long time before it even started running. The cause turned out to be a connection pool that was too small for the new version, which opened an extra database connection for each request in order to fetch discount rules. Under light load this made no visible difference, but at peak traffic requests queued behind each other until the clients gave up. The fix was to load the discount rules once at startup, keep them in memory and add an alert on the time spent waiting for a connection, so that a similar problem would show up within minutes rather than days.)"},

      // History.
      {"builtin-7",
       R"(Summarize the following passage about the history of printing in about five sentences, keeping the most important dates and consequences. Printing did not begin in Europe. Craftsmen in China were printing whole pages from carved wooden blocks by the ninth century, and in the eleventh century an artisan named Bi Sheng experimented with movable characters made of baked clay. Korean printers later cast movable type in metal, and a Buddhist text printed that way in 1377 survives today. In the German city of Mainz, around 1450, Johannes Gutenberg combined several ideas into a practical system: letters cast in a metal alloy from reusable moulds, an oil-based ink that clung to metal, and a press adapted from the screw presses used for wine and paper. His workshop produced a large Latin Bible in the following years. The method spread quickly along trade routes, and by 1500 printers were working in well over two hundred European towns. Books became cheaper and far more numerous, identical copies made it easier for scholars in different cities to discuss the same text, and pamphlets let religious and political arguments reach ordinary readers within weeks. Printing in local languages, rather than only in Latin, also helped to fix spelling and grammar, which slowly shaped the national languages that are written today.)"},

      // Law.
      {"builtin-8",
       R"(Summarize the following explanation for a secondary-school class in no more than six sentences, and then give one everyday example of a contract that the students could recognise from their own lives. In many legal systems, a contract is simply an agreement that the courts are willing to enforce, and most contracts are never written down at all. Buying a bus ticket, ordering a meal or paying for a haircut each creates one. Lawyers usually describe a few ingredients. First, one party makes an offer: a definite promise to do something on stated terms. A price label in a shop window is normally not an offer but an invitation for customers to make one, which is why a shop is not always forced to sell at a mistaken price. Second, the other party accepts the offer as it stands; if they change the terms, they have made a counter-offer, and the original offer is no longer open. Silence on its own rarely counts as acceptance. Third, each side must give something of value, such as money, goods, work or a promise, although the exchange does not have to be fair. Finally, the parties must intend to be legally bound, which is why a casual promise between friends to meet for lunch is not a contract. Some agreements, such as the sale of land, must be in writing, and people who are very young or lack mental capacity may be protected from bargains they made. The details vary from country to country, so this is a general picture rather than legal advice.)"},
  };
  return kPrompts;
}

}  // namespace llmload
