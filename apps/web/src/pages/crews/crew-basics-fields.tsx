import { DEFAULT_RUNTIME_IMAGE } from '@crewship/contracts';
import type { ReactNode } from 'react';
import { Field } from '../../components/ui/field';
import { Input, Textarea } from '../../components/ui/input';
import { CREW_LIMITS } from './crew-limits';

export interface CrewBasics {
  name: string;
  description: string;
  runtime_image: string;
  memory_mb: string;
  cpus: string;
}

export const EMPTY_CREW_BASICS: CrewBasics = {
  name: '',
  description: '',
  runtime_image: DEFAULT_RUNTIME_IMAGE,
  memory_mb: '2048',
  cpus: '2',
};

/** The form's strings as the API's fields (numbers parsed; the contract checks the rest). */
export function crewBasicsRequest(value: CrewBasics) {
  return {
    name: value.name.trim(),
    description: value.description,
    runtime_image: value.runtime_image.trim(),
    memory_mb: value.memory_mb.trim() === '' ? Number.NaN : Number(value.memory_mb),
    cpus: value.cpus.trim() === '' ? Number.NaN : Number(value.cpus),
  };
}

/** Name, description, image and limits: shared by the create dialog and the crew's settings. */
export function CrewBasicsFields(props: {
  value: CrewBasics;
  onChange: (value: CrewBasics) => void;
  errors: Record<string, string | undefined>;
  /** Rendered between the name and the description (the create dialog's slug). */
  afterName?: ReactNode;
}) {
  const set = (key: keyof CrewBasics) => (event: { target: { value: string } }) =>
    props.onChange({ ...props.value, [key]: event.target.value });
  const { memoryMb, cpus } = CREW_LIMITS;
  return (
    <>
      <Field label="Name" error={props.errors.name}>
        <Input required maxLength={100} value={props.value.name} onChange={set('name')} />
      </Field>
      {props.afterName}
      <Field label="Description" error={props.errors.description}>
        <Textarea maxLength={2000} rows={2} value={props.value.description} onChange={set('description')} />
      </Field>
      <Field
        label="Runtime image"
        hint={`Any glibc Linux image; ${DEFAULT_RUNTIME_IMAGE} by default.`}
        error={props.errors.runtime_image}
      >
        <Input
          value={props.value.runtime_image}
          autoCapitalize="none"
          spellCheck={false}
          onChange={set('runtime_image')}
        />
      </Field>
      <div className="grid grid-cols-1 items-start gap-4 sm:grid-cols-2">
        <Field label="Memory (MB)" hint={`${memoryMb.min} to ${memoryMb.max}`} error={props.errors.memory_mb}>
          <Input
            type="number"
            inputMode="numeric"
            min={memoryMb.min}
            max={memoryMb.max}
            step={256}
            value={props.value.memory_mb}
            onChange={set('memory_mb')}
          />
        </Field>
        <Field label="CPUs" hint={`${cpus.min} to ${cpus.max}`} error={props.errors.cpus}>
          <Input
            type="number"
            inputMode="decimal"
            min={cpus.min}
            max={cpus.max}
            step={0.1}
            value={props.value.cpus}
            onChange={set('cpus')}
          />
        </Field>
      </div>
    </>
  );
}
