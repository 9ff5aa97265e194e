package dev.playground.session.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How reads of large results share the heap, as pure logic. */
class ReadBudgetTest {

    @Test
    void readsShareTheBudgetAndOneAloneIsNeverRefused() {
        ReadBudget budget = new ReadBudget(100);
        assertThat(budget.tryReserve(60)).isTrue();
        assertThat(budget.tryReserve(30)).isTrue();
        assertThat(budget.tryReserve(20)).as("past the budget while others read").isFalse();
        budget.release(60);
        assertThat(budget.tryReserve(20)).as("a refused read took nothing: 30 + 20 fit").isTrue();
        budget.release(30);
        budget.release(20);
        assertThat(budget.tryReserve(500)).as("alone, a read larger than the budget goes through").isTrue();
        assertThat(budget.tryReserve(1)).as("but nothing beside it").isFalse();
        budget.release(500);
        assertThat(budget.tryReserve(0)).as("a result not stored costs nothing").isTrue();
    }
}
