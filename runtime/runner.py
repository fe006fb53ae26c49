"""The runner loop of the Agents SDK, as the transitions of a CompiledGraph.

One turn: render the agent's instructions, call the model with the input so far, sort its
output, then take a transition: `handoff:<tool>` (first handoff wins), `tool_calls` (run them,
back to the agent or, by tool_use_behavior, to the end), or `final_output` (parse, output
guardrails, end). `max_turns` bounds the model calls. The loop is one async generator of
stream events; a non-streamed run consumes it and keeps the result.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from openai.types.responses import Response

from agentgraph.compiler.errors import AgentGraphError
from agentgraph.compiler.machine import (
    END,
    GUARDRAIL_TRIPPED,
    MAX_TURNS,
    CompiledGraph,
    GuardrailBinding,
    State,
    StopAtToolNames,
)

from .approvals import Decision, plan_calls
from .context import template_view
from .derived import request_parts
from .errors import (
    AgentGraphRunError,
    InputGuardrailTripwireTriggered,
    MaxTurnsExceeded,
    ModelCallError,
    UserError,
)
from .events import (
    AgentSwitchEvent,
    RawResponseEvent,
    RunItem,
    RunItemEvent,
    RunResult,
    Step,
    StreamEvent,
)
from .guardrails import call_beside_guardrails, raise_if_tripped, split_by_parallel
from .handoffs import handoff_items, history_after_handoff
from .instructions import render
from .nested_approvals import WAITING, pending_in_call_order, run_nested
from .observers import notify
from .output import parse_final_output
from .run_callables import RunCallables
from .run_context import RunContextWrapper
from .run_options import ModelCaller, RunOptions
from .run_state import RunState, snapshot
from .trace_run import RunTrace
from .turns import TurnOutput, request_body, sort_output, terminal_response

if TYPE_CHECKING:
    from .mcp_tools import McpTurn


class Run:
    """One run of a compiled graph from `agent` on `input`."""

    def __init__(
        self,
        graph: CompiledGraph,
        caller: ModelCaller,
        options: RunOptions,
        input: str | list[dict[str, Any]],
        *,
        agent: str | None = None,
        stream: bool = False,
        nested: bool = False,
    ) -> None:
        self.graph, self.caller, self.options, self.stream = graph, caller, options, stream
        self.agent = agent or graph.entry
        self.result = RunResult(input=input, graph_digest=graph.digest, last_agent=self.agent)
        self.history: list[dict[str, Any]] = self.result.to_input_list()
        self.pending: list[dict[str, Any]] = list(self.history)
        """Items the server has not seen yet (what a chained request sends)."""
        self.previous_id: str | None = options.previous_response_id
        self.tools_used: set[str] = set()
        self.max_turns = options.max_turns or graph.machine.max_turns
        self.trace = RunTrace(options.tracing)
        self.run_context = RunContextWrapper(options.context, self.result.usage)
        """One wrapper per run: every callable of the run sees the same live context."""
        self.callables = RunCallables.of_run(
            graph, options.functions, self.run_context, options.hooks, nested
        )
        self.started: str | None = None
        """The agent whose on_agent_start hooks ran last (they run again after a handoff)."""
        self.mcp_turn: McpTurn | None = None
        self.turn = 0
        self.decisions: dict[str, Decision] = {}
        """Approvals given on pending tool calls, by call id (see `approvals`)."""
        self.done: dict[str, RunItem] = {}
        """Outputs of the interrupted turn's calls made before the run stopped."""
        self.interrupted: TurnOutput | None = None
        """The turn a run stopped in for approvals: a resumed run takes it up again."""
        self.nested: dict[str, RunState] = {}
        """Nested runs of agent tools stopped for approvals, by call id (`nested_approvals`)."""

    def set_input(self, input: str | list[dict[str, Any]]) -> None:
        """Replace the input before the run starts (a session's items put before it)."""
        self.result.input = input
        self.history = self.result.to_input_list()
        self.pending = list(self.history)

    async def events(self) -> AsyncIterator[StreamEvent]:
        """Run to the end, yielding stream events; errors carry the partial result."""
        with self.trace.run(self.result, self.graph.digest):
            try:
                async for event in self._loop():
                    yield event
            except AgentGraphRunError as exc:
                exc.partial = self.result
                raise
            finally:
                notify(self.graph, self.result)  # graph coverage and other watchers (observers.py)

    async def _loop(self) -> AsyncIterator[StreamEvent]:
        while True:
            state = self.graph.states[self.agent]
            event: StreamEvent
            given = self.result.input  # the SDK's turn_input: the run's input as items
            self.run_context.turn_input = (
                [{"role": "user", "content": given}] if isinstance(given, str) else list(given)
            )
            if self.interrupted is not None:  # a resumed run: the stopped turn goes on
                output, self.interrupted = self.interrupted, None
                self.trace.turn(self.turn, self.agent, state)
            else:
                if self.turn >= self.max_turns:
                    self._step("max_turns", MAX_TURNS)
                    raise MaxTurnsExceeded(self.max_turns, self.agent)
                self.turn += 1
                self.trace.turn(self.turn, self.agent, state)
                if self.started != self.agent:  # the first turn, and after a handoff
                    self.started = self.agent
                    await self.callables.agent_start(self.agent)
                response: Response | None = None
                async for item in self._model_turn(state, first=self.turn == 1):
                    if isinstance(item, Response):
                        response = item
                    else:
                        yield item
                assert response is not None
                output = sort_output(state, self.agent, response)
                for event in self._add(output.items, from_response=True):
                    yield event
            try:
                if output.handoff_calls:
                    for event in await self._handoff(state, output):
                        yield event
                elif output.tool_calls:
                    events, finished = await self._tools(state, output)
                    for event in events:
                        yield event
                    if finished:
                        return
                else:
                    await self._finish(state, output.message_text)
                    return
            except _Interrupted as stop:  # pending approvals: the run stops here
                self.result.state = snapshot(self)
                for event in stop.events:
                    yield event
                return

    async def _model_turn(
        self, state: State, first: bool
    ) -> AsyncIterator[RawResponseEvent | Response]:
        """Call the model once; the entry agent's input guardrails run alongside the first call."""
        options = self.options
        choice = (
            None
            if self.agent in self.tools_used and state.reset_tool_choice
            else (state.model_settings.get("tool_choice"))
        )
        server_side = options.conversation_id is not None
        chained = server_side or (
            (options.chain_responses or options.previous_response_id is not None)
            and self.previous_id is not None
        )
        tools, text_format = request_parts(state, self.graph.machine.types, options.functions)
        tools = await self.callables.enabled(state, self.agent, tools)
        if state.mcp is not None:
            self.mcp_turn = await self._mcp_turn(state)
            tools = [*self.mcp_turn.tools, *tools]
        turn_input = self.pending if chained else self.history
        instructions = await self.callables.instructions(
            state,
            self.agent,
            lambda: render(state, self.agent, template_view(self.graph, self.run_context.context)),
        )
        body = request_body(
            state,
            instructions,
            turn_input,
            tool_choice=choice,
            previous_response_id=self.previous_id if chained and not server_side else None,
            tools=tools,
            text_format=text_format,
        )
        if server_side:
            body["conversation"] = options.conversation_id
        guard = None
        if first and state.input_guardrails:
            before, beside = split_by_parallel(state.input_guardrails, options.functions)
            try:
                await self._input_guardrails(before)
            except InputGuardrailTripwireTriggered:
                self._step("guardrail_tripped", GUARDRAIL_TRIPPED)
                raise
            if beside:
                guard = asyncio.create_task(self._input_guardrails(beside))
        await self.callables.llm_start(self.agent, instructions, list(turn_input))
        call = self.trace.model_call(state, body)
        try:
            response = None
            if self.stream:
                async for event in self.caller.stream(body):
                    await raise_if_tripped(guard)
                    yield RawResponseEvent(self.agent, event)
                    response = terminal_response(event) or response
            else:
                response = await call_beside_guardrails(guard, self.caller.create(body))
            await raise_if_tripped(guard, wait=True)
        except BaseException as exc:
            call.end(error=exc)
            if guard is not None and not guard.done():
                guard.cancel()
            if isinstance(exc, InputGuardrailTripwireTriggered):
                self._step("guardrail_tripped", GUARDRAIL_TRIPPED)
            raise
        call.end(response)
        if response is None:
            raise ModelCallError("the response stream ended without a terminal event")
        if response.status == "failed":
            error = response.error.message if response.error else "no error given"
            raise ModelCallError(f"the response failed: {error}")
        self.result.raw_responses.append(response)
        self.result.usage.add(response)
        self.previous_id, self.pending = response.id, []
        await self.callables.llm_end(self.agent, response)
        yield response

    async def _input_guardrails(self, bindings: tuple[GuardrailBinding, ...]) -> None:
        await self.options.executor.guardrails(
            bindings,
            kind="input",
            agent=self.agent,
            value=self.result.input,
            context=self.run_context,
            agent_view=self.callables.hooks.agent(self.agent),
            functions=self.options.functions,
            nested_run=self._nested,
        )

    async def _tools(self, state: State, output: TurnOutput) -> tuple[list[StreamEvent], bool]:
        """Run the turn's tool calls; True when tool_use_behavior ends the run on them."""
        outputs, new = await self._run_tools(state, output)
        events: list[StreamEvent] = [*self._add(new)]
        self.tools_used.add(self.agent)
        behavior = state.tool_use_behavior
        names = output.called_tools
        stop_at = behavior.stop_at_tool_names if isinstance(behavior, StopAtToolNames) else ()
        stopping = [i for i, name in enumerate(names) if name in stop_at]
        decided = await self.callables.tools_final(state, output.tool_calls, outputs)
        if behavior == "stop_on_first_tool" or stopping or (decided and decided[0]):
            index = stopping[0] if stopping else 0
            final = decided[1] if decided else outputs[index].raw["output"]  # its text, as the SDK
            self.result.final_output = final
            await self.callables.agent_end(self.agent, final)
            self._step("tool_calls", END, names)
            return events, True
        self._step("tool_calls", self.agent, names)
        return events, False

    async def _handoff(self, state: State, output: TurnOutput) -> list[StreamEvent]:
        """Run any tool calls of the turn, then the first handoff; later handoffs are refused."""
        outputs, new = await self._run_tools(state, output) if output.tool_calls else ([], [])
        first = output.handoff_calls[0]
        binding = state.handoffs[first["name"]]
        items = handoff_items(
            output.handoff_calls,
            state,
            self.agent,
            self.graph.machine.types,
            self.options.functions,
            self.options.pattern_timeout,
        )
        await self.callables.handoff(state, self.agent, first, binding.to)
        turn_start = len(self.history) - len(output.items)
        events: list[StreamEvent] = [*self._add([*new, *items])]
        self._step(f"handoff:{first['name']}", binding.to, output.called_tools)
        turn_items = len(output.items) + len(outputs) + len(items)
        with self.trace.handoff(self.agent, binding.to, first):
            self.history = await history_after_handoff(
                binding,
                self.history,
                self.result,
                turn_start=turn_start,
                turn_items=turn_items,
                nests=self.callables.nests(state, first["name"]),
                run_context=self.run_context,
                agents=self.callables.hooks.agent,
                functions=self.options.functions,
            )
        events.append(AgentSwitchEvent(self.agent, binding.to, first["name"]))
        self.agent = binding.to
        return events

    async def _finish(self, state: State, text: str | None) -> None:
        final = parse_final_output(
            state, self.agent, text, self.options.functions, self.options.pattern_timeout
        )
        self.result.final_output = final
        await self.callables.agent_end(self.agent, final)
        try:
            await self.options.executor.guardrails(
                state.output_guardrails,
                kind="output",
                agent=self.agent,
                value=final,
                context=self.run_context,
                agent_view=self.callables.hooks.agent(self.agent),
                functions=self.options.functions,
                nested_run=self._nested,
            )
        except AgentGraphRunError:
            self._step("guardrail_tripped", GUARDRAIL_TRIPPED)
            raise
        self._step("final_output", END)

    async def _mcp_policies(self, state: State) -> dict[str, Any] | None:
        """The needs_approval of this turn's MCP tools (listed again when a resumed run takes
        up a stopped turn)."""
        if state.mcp is None:
            return None
        if self.mcp_turn is None:
            self.mcp_turn = await self._mcp_turn(state)
        return {name: tool.needs_approval for name, tool in self.mcp_turn.by_name.items()}

    async def _mcp_turn(self, state: State) -> McpTurn:
        """The MCP tools of this turn, listed from the agent's servers now."""
        if self.options.mcp is None:
            raise UserError(f"agent `{self.agent}` has MCP servers, but the run has none")
        return await self.options.mcp.turn(state, self.agent, self.run_context)

    async def _run_tools(
        self, state: State, output: TurnOutput
    ) -> tuple[list[RunItem], list[RunItem]]:
        """The outputs of the turn's tool calls in call order, and those made now (in call
        order); raises _Interrupted when some call waits for approval, after the others ran."""
        calls = output.tool_calls
        plan = await plan_calls(
            calls,
            state,
            self.agent,
            decisions=self.decisions,
            done=set(self.done),
            functions=self.options.functions,
            run_context=self.run_context,
            mcp_policies=await self._mcp_policies(state),
        )
        self.callables.invoker.continuing = set(self.nested)  # their tool start ran already
        ran = await self.options.executor.tool_calls(
            plan.run,
            state,
            self.agent,
            functions=self.options.functions,
            context=self.run_context,
            tool_error=self.graph.machine.tool_error,
            nested_run=self._nested,
            invoker=self.callables.invoker,
            mcp=self.mcp_turn if state.mcp is not None else None,
            pattern_timeout=self.options.pattern_timeout,
        )
        made = {str(i.raw["call_id"]): i for i in [*ran, *plan.rejected]}
        made = {call: item for call, item in made.items() if call not in self.nested}
        new = [made[str(c["call_id"])] for c in calls if str(c["call_id"]) in made]
        pending = pending_in_call_order(calls, plan.pending, self.nested)
        if pending:
            self.done.update(made)
            self.interrupted = output
            self.result.interruptions = pending
            raise _Interrupted(self._add(new))
        outputs = [{**self.done, **made}[str(c["call_id"])] for c in calls]
        self.done, self.result.interruptions = {}, []
        return outputs, new

    async def _nested(
        self, agent: str, input: str | list[dict[str, Any]], call: dict[str, Any] | None = None
    ) -> Any:
        """A nested run of `agent` (used as a tool: `call` is the tool call; or as a guardrail)
        -> the tool's output (made text by `to_output`), WAITING when it stopped for approvals,
        or the final output."""
        nested = Run(self.graph, self.caller, self.options, input, agent=agent, nested=True)
        if await run_nested(nested, self, call):
            return WAITING
        if call is None:
            return nested.result.final_output
        state = self.graph.states[self.agent]
        return await self.callables.tool_output(state, str(call.get("name")), nested.result)

    def _add(self, items: list[RunItem], from_response: bool = False) -> list[RunItemEvent]:
        self.result.items.extend(items)
        raws = [item.raw for item in items]
        self.history.extend(raws)
        if not from_response:
            self.pending.extend(raws)
        return [RunItemEvent(item) for item in items]

    def _step(self, on: str, to: str, tools: tuple[str, ...] = ()) -> None:
        self.result.path.append(Step(self.agent, on, to, tuple(tools)))
        self.trace.step(self.result.path[-1])
        self.result.last_agent = self.agent


class _Interrupted(AgentGraphError):
    """Tool calls wait for approval: the run stops after these events."""

    def __init__(self, events: list[RunItemEvent]) -> None:
        super().__init__("pending approvals")
        self.events = events
