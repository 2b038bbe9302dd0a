import { z } from 'zod';
import { defineRoutes } from '../route-definition.js';
import type { PostTraining } from './post-training-protocol.js';
import {
  PostTrainingJobArtifactsResponse,
  PostTrainingJobLogLine,
  PostTrainingJobLogStream,
  PostTrainingJobRequest,
  PostTrainingJobStatusResponse,
  PostTrainingRLHFRequest,
  PostTrainingSFTRequest,
} from './post-training-schemas.js';

/** The draft's paths, trailing slashes included. */
export const postTrainingRoutes = defineRoutes<PostTraining>()([
  {
    api: 'post_training',
    method: 'POST',
    path: '/post_training/supervised_fine_tune/',
    operation: 'supervisedFineTune',
    summary: 'Queue a supervised fine-tuning job.',
    description:
      'Answers with no content once the job is queued; follow it with the /post_training/job/ routes.',
    body: PostTrainingSFTRequest,
    response: z.null(),
  },
  {
    api: 'post_training',
    method: 'POST',
    path: '/post_training/preference_optimize/',
    operation: 'preferenceOptimize',
    summary: 'Queue a preference optimization (DPO) job.',
    description:
      'Answers with no content once the job is queued; follow it with the /post_training/job/ routes.',
    body: PostTrainingRLHFRequest,
    response: z.null(),
  },
  {
    api: 'post_training',
    method: 'GET',
    path: '/post_training/job/logs',
    operation: 'getTrainingJobLogs',
    streamOperation: 'streamTrainingJobLogs',
    stream: 'accept',
    summary: 'Get the log lines of a training job.',
    description:
      'JSON: the lines so far. With `Accept: text/event-stream`: a stream of the lines so far, then each new one ' +
      'until the job ends.',
    streamChunk: PostTrainingJobLogLine,
    query: PostTrainingJobRequest,
    response: PostTrainingJobLogStream,
  },
  {
    api: 'post_training',
    method: 'GET',
    path: '/post_training/job/status',
    operation: 'getTrainingJobStatus',
    summary: 'Get the status of a training job.',
    query: PostTrainingJobRequest,
    response: PostTrainingJobStatusResponse,
  },
  {
    api: 'post_training',
    method: 'POST',
    path: '/post_training/job/cancel',
    operation: 'cancelTrainingJob',
    summary: 'Cancel a training job.',
    description:
      "In the draft's protocol but missing from its OpenAPI document; `job_uuid` is a query parameter, as the " +
      'draft passes every plain parameter.',
    query: PostTrainingJobRequest,
    response: z.null(),
  },
  {
    api: 'post_training',
    method: 'GET',
    path: '/post_training/job/artifacts',
    operation: 'getTrainingJobArtifacts',
    summary: 'Get the checkpoints of a training job.',
    query: PostTrainingJobRequest,
    response: PostTrainingJobArtifactsResponse,
  },
]);
