/**
 * Workflow-side half of the history generator: bundled into the test workflow bundle as an interceptor
 * module, it reports every activation's commands (and whether that activation was a replay) through
 * the `historyRecorder` sink, which the generator's replay worker registers with callDuringReplay.
 */
import { proxySinks, workflowInfo, type Sinks, type WorkflowInterceptors } from '@temporalio/workflow';

export interface RecordedActivation {
  replaying: boolean;
  /** coresdk workflow commands as plain objects. */
  commands: unknown[];
}

export interface HistoryRecorderSinks extends Sinks {
  historyRecorder: { activation(record: RecordedActivation): void };
}

const { historyRecorder } = proxySinks<HistoryRecorderSinks>();

export const interceptors = (): WorkflowInterceptors => ({
  internals: [
    {
      concludeActivation(input, next) {
        const output = next(input);
        historyRecorder.activation({
          replaying: workflowInfo().unsafe.isReplaying,
          commands: output.commands,
        });
        return output;
      },
    },
  ],
});
