import type { LibraryEntryT } from '../../../../electron/ipc/contract';
import { Field } from '../../components/Field';
import { Options } from '../../components/Options';
import type { LibraryFilter } from './library-rules';
import { FilterInput } from '../../components/FilterInput';

const ORIGINS: LibraryEntryT['origin'][] = ['manual', 'scheduled', 'clone-source', 'imported', 'external'];
const AGES: [LibraryFilter['age'], string][] = [
  ['any', 'Any'],
  ['hour', 'Last hour'],
  ['day', 'Last day'],
  ['week', 'Last week'],
  ['older', 'Older than a week'],
];
const KEPT: [LibraryFilter['kept'], string][] = [
  ['', 'Anywhere'],
  ['engine', 'On the engine'],
  ['archive', 'Kept archive (container removed)'],
  ['gone', 'Gone (record only)'],
];

/** The library's filters: engine, container, origin, age and where a checkpoint is kept. */
export function LibraryFilters(props: {
  filter: LibraryFilter;
  onChange: (p: Partial<LibraryFilter>) => void;
  engineIds: string[];
  engineName: (id: string) => string;
}) {
  const { filter, onChange: set } = props;
  return (
    <div className="library-filters" role="search">
      <Field label="Engine">
        <select value={filter.engineId} onChange={(e) => set({ engineId: e.target.value })}>
          <Options
            items={[['', 'All engines'], ...props.engineIds.map((id) => [id, props.engineName(id)] as const)]}
          />
        </select>
      </Field>
      <Field label="Container">
        <FilterInput
          value={filter.container}
          onChange={(container) => set({ container })}
          placeholder="name or id"
          label="Filter by container"
        />
      </Field>
      <Field label="Origin">
        <select
          value={filter.origin}
          onChange={(e) => set({ origin: e.target.value as LibraryFilter['origin'] })}
        >
          <Options items={[['', 'Any'], ...ORIGINS.map((o) => [o, o] as const)]} />
        </select>
      </Field>
      <Field label="Age">
        <select value={filter.age} onChange={(e) => set({ age: e.target.value as LibraryFilter['age'] })}>
          <Options items={AGES} />
        </select>
      </Field>
      <Field label="Kept">
        <select value={filter.kept} onChange={(e) => set({ kept: e.target.value as LibraryFilter['kept'] })}>
          <Options items={KEPT} />
        </select>
      </Field>
    </div>
  );
}
