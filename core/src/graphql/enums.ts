import { registerEnumType } from 'type-graphql';

type EnumConfig<T extends object> = Parameters<typeof registerEnumType<T>>[1];

type EnumObject<T extends readonly string[]> = { [K in T[number]]: K };

/** A GraphQL enum from the list of values the entity and the zod schemas already use: one source of truth. */
export function stringEnum<const T extends readonly string[]>(values: T, config: EnumConfig<EnumObject<T>>): EnumObject<T> {
  const object = Object.fromEntries(values.map((value) => [value, value])) as EnumObject<T>;
  registerEnumType(object, config);
  return object;
}
