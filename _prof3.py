import time
from benchmarks.watchlists.run import *
from alerts.matcher import Hits, _evidence
corpus = articles(10000, 7); terms = term_pool(corpus, 7); corpus=corpus[:3000]
c = Watchlists(watchlists(terms, 10000))
def tm(f, label):
    t=time.process_time(); r=f(); print(label, round((time.process_time()-t)/len(corpus)*1e6,1), 'us'); return r
tm(lambda: [normal(a.text) for a in corpus], 'normal text')
tm(lambda: [(normal(a.title), normal(a.author), normal(a.outlet)) for a in corpus], 'normal others')
hs = tm(lambda: [c.hits(a) for a in corpus], 'hits total')
def cands():
    out=[]
    for h in hs:
        cs = set().union(*(c.users[k] for k in h.hit_keys))
        out.append([n for n in cs if not any(h.hit_keys.isdisjoint(k) for k in c.needs[n])])
    return out
passed = tm(cands, 'candidates+needs')
def ev():
    for h, ns in zip(hs, passed):
        pres={}
        for n in ns:
            if c._run(c.programs[n], h, pres): _evidence(c, c.queries[n], h)
tm(ev, 'eval+evidence')
print(sum(map(len,passed))/len(passed))
import cProfile, pstats
cProfile.run('ev()', '/tmp/rules_prof')
pstats.Stats('/tmp/rules_prof').sort_stats('tottime').print_stats(12)
