// Allocation assertions use GC.GetAllocatedBytesForCurrentThread, which is per thread, so
// parallel test classes cannot disturb each other's figures.
[assembly: Xunit.CollectionBehavior(MaxParallelThreads = 2)]
