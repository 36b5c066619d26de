"""The bench workflow (Research -> Analyze -> Summarize) in LangGraph, against `promptops mock-llm`.

Each node is one chat completion through langchain-openai's ChatOpenAI (OpenAI format over
HTTP), with the same messages as `promptops bench workflow`'s definition: Research sends the
run's topic, Analyze sends "Analyze <research output>", Summarize "Summarize <analysis>".
`--concurrency` runs are in flight at once (asyncio, one event loop, one process: how a
LangGraph service runs a graph), `--runs` in all. It checks every run's summary (the mock
echoes, so it is known) and prints one JSON line: runs, wall seconds, runs/s, the process's
CPU seconds (user + system), runs per CPU-second (runs/s per core) and peak RSS.
"""

import argparse
import asyncio
import json
import resource
import sys
import time
from typing import TypedDict

from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI
from langgraph.graph import END, START, StateGraph


class State(TypedDict):
    topic: str
    research: str
    analysis: str
    summary: str


def build(llm: ChatOpenAI, saver):
    async def research(state: State) -> dict:
        answer = await llm.ainvoke([HumanMessage(content=state["topic"])])
        return {"research": answer.content}

    async def analyze(state: State) -> dict:
        answer = await llm.ainvoke([HumanMessage(content=f"Analyze {state['research']}")])
        return {"analysis": answer.content}

    async def summarize(state: State) -> dict:
        answer = await llm.ainvoke([HumanMessage(content=f"Summarize {state['analysis']}")])
        return {"summary": answer.content}

    graph = StateGraph(State)
    graph.add_node("research", research)
    graph.add_node("analyze", analyze)
    graph.add_node("summarize", summarize)
    graph.add_edge(START, "research")
    graph.add_edge("research", "analyze")
    graph.add_edge("analyze", "summarize")
    graph.add_edge("summarize", END)
    return graph.compile(checkpointer=saver)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--llm-url", required=True, help="mock-llm base URL, e.g. http://127.0.0.1:8081")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--words", type=int, default=20)
    parser.add_argument("--stream", action="store_true", help="stream each completion (as PromptOps does)")
    parser.add_argument(
        "--checkpoint",
        metavar="SQLITE_FILE",
        help="persist every step with LangGraph's AsyncSqliteSaver in this file (durable, as PromptOps runs are)",
    )
    args = parser.parse_args()
    if args.checkpoint:
        from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

        async with AsyncSqliteSaver.from_conn_string(args.checkpoint) as saver:
            return await measure(args, saver)
    return await measure(args, None)


async def measure(args, saver) -> int:

    llm = ChatOpenAI(
        base_url=args.llm_url.rstrip("/") + "/v1",
        api_key="sk-bench",
        model="echo",
        streaming=args.stream,
        max_retries=0,
        timeout=60,
    )
    app = build(llm, saver)
    topic = " ".join(f"w{i}" for i in range(args.words))
    expected = f"Summarize Analyze {topic}"

    # One warm-up run (imports, connection pool), not measured.
    await app.ainvoke({"topic": topic}, {"configurable": {"thread_id": "warm-up"}})

    semaphore = asyncio.Semaphore(args.concurrency)
    wrong = 0

    async def one(i: int) -> None:
        nonlocal wrong
        async with semaphore:
            # A thread per run, as each PromptOps run is its own record.
            state = await app.ainvoke({"topic": topic}, {"configurable": {"thread_id": f"run-{i}"}})
        if state["summary"].split() != expected.split():
            wrong += 1

    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(args.runs)))
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "system": "langgraph",
        "stream": args.stream,
        "checkpoint": "sqlite" if args.checkpoint else None,
        "runs": args.runs,
        "concurrency": args.concurrency,
        "wrong": wrong,
        "wall_s": round(wall, 3),
        "runs_per_s": round(args.runs / wall, 2),
        "cpu_s": round(cpu, 3),
        "runs_per_cpu_s": round(args.runs / cpu, 2),
        "peak_rss_mib": round(peak_kib / 1024, 1),
    }))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
