import cProfile, pstats, time
from benchmarks.watchlists.run import *
corpus = articles(10000, 7); terms = term_pool(corpus, 7); corpus=corpus[:3000]
c = Watchlists(watchlists(terms, 10000))
t=time.process_time()
for a in corpus: c.match(a)
print('match', len(corpus)/(time.process_time()-t))
t=time.process_time()
for a in corpus: c.hits(a)
print('hits', len(corpus)/(time.process_time()-t))
cProfile.run('for a in corpus: c.match(a)', '/tmp/rules_prof')
pstats.Stats('/tmp/rules_prof').sort_stats('tottime').print_stats(14)
